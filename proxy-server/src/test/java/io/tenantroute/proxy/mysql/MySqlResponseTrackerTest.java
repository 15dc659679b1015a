package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response tracker on real MariaDB responses: each command is run on two raw connections, one with
 * CLIENT_DEPRECATE_EOF and one without; each response is translated to the other style and must read — by the
 * strict {@link ResultStream} reader — exactly as the other connection's untranslated response does.
 */
class MySqlResponseTrackerTest {
    static EventLoopGroup group;
    static TestDatabase db;
    static RawClient withEof;     // DEPRECATE_EOF off
    static RawClient deprecateEof; // DEPRECATE_EOF on
    static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        db = TestDatabases.server(Engine.MYSQL).createDatabase("tracker");
        db.execute("CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(20))", "INSERT INTO t VALUES (1, 'one'), (2, NULL), (3, 'three')");
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl(TestDatabases.server(Engine.MYSQL).adminUrl(), null, (String) null)
                .withDatabase(db.name()).withTlsMode(MySqlTlsMode.DISABLED);
        MySqlConnectOptions o = MySqlConnectOptions.defaults().withOptionalCapabilities(MySqlCapabilities.CLIENT_MULTI_STATEMENTS);
        withEof = new RawClient(MySqlServerConnectorTest.connectOn(group, new MySqlServerConnector(o.withDeprecateEof(false)), e));
        deprecateEof = new RawClient(MySqlServerConnectorTest.connectOn(group, new MySqlServerConnector(o.withDeprecateEof(true)), e));
        assertFalse(withEof.connection.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF));
        assertTrue(deprecateEof.connection.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF));
    }

    @AfterAll
    static void tearDown() throws Exception {
        withEof.close();
        deprecateEof.close();
        db.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Runs the command on both connections; translates each to the other style; asserts that the translation
     * reads the same as the real response of that style, and returns that reading.
     */
    static List<String> bothWays(Function<RawClient, ByteBuf> command, ResultStream.Kind kind) throws Exception {
        List<String> readings = new ArrayList<>();
        for (RawClient server : List.of(withEof, deprecateEof)) {
            RawClient other = server == withEof ? deprecateEof : withEof;
            boolean serverDe = server.connection.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF);
            long clientCaps = server.connection.capabilities() ^ MySqlCapabilities.CLIENT_DEPRECATE_EOF;
            List<MySqlPacket> direct = other.command(command.apply(other));
            List<MySqlPacket> translated = server.command(command.apply(server), clientCaps, null);
            try {
                List<String> expected = ResultStream.read(direct, kind, !serverDe);
                List<String> got = ResultStream.read(translated, kind, !serverDe);
                assertEquals(expected, got, "translated from DEPRECATE_EOF=" + serverDe);
                readings.add(got.toString());
            } finally {
                RawClient.release(direct);
                RawClient.release(translated);
            }
        }
        return List.of(readings.get(0));
    }

    static Function<RawClient, ByteBuf> query(String sql) {
        return c -> MySqlCommands.query(ALLOC, sql);
    }

    @Test
    void resultSets_translateBothWays() throws Exception {
        String r = bothWays(query("SELECT a, b FROM t ORDER BY a"), ResultStream.Kind.QUERY).get(0);
        assertTrue(r.contains("ROW 2|NULL"), r);
        r = bothWays(query("SELECT a FROM t WHERE a > 100"), ResultStream.Kind.QUERY).get(0);
        assertTrue(r.contains("COLUMNS [a]") && !r.contains("ROW"), r);
        bothWays(query("UPDATE t SET b = b WHERE a = 1"), ResultStream.Kind.QUERY);
        bothWays(query("SELECT * FROM no_such_table"), ResultStream.Kind.QUERY);
    }

    @Test
    void multiResults_followMoreResultsExists() throws Exception {
        String r = bothWays(query("SELECT 1 AS x; SELECT a, b FROM t WHERE a = 3; DO 1"), ResultStream.Kind.QUERY).get(0);
        assertTrue(r.contains("ROW 3|three") && r.contains("OK affected=0"), r);
        r = bothWays(query("SELECT 1 AS x; SELECT * FROM no_such_table; SELECT 2"), ResultStream.Kind.QUERY).get(0);
        assertTrue(r.endsWith("ERR 1146]"), r);
    }

    @Test
    void transactionState_comesFromTheFinalStatusFlags() throws Exception {
        for (RawClient c : List.of(withEof, deprecateEof)) {
            MySqlResponseTracker[] t = new MySqlResponseTracker[1];
            long otherCaps = c.connection.capabilities() ^ MySqlCapabilities.CLIENT_DEPRECATE_EOF;
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "START TRANSACTION"), otherCaps, t));
            assertTrue(t[0].inTransaction());
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "SELECT a FROM t"), otherCaps, t));
            assertTrue(t[0].inTransaction());
            assertEquals(1, t[0].resultCount());
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "SELECT 1; COMMIT"), otherCaps, t));
            assertFalse(t[0].inTransaction());
            assertEquals(2, t[0].resultCount());
            assertTrue((t[0].statusFlags() & MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT) != 0);
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "SET autocommit = 0"), otherCaps, t));
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "UPDATE t SET b = b WHERE a = 2"), otherCaps, t));
            assertTrue(t[0].inTransaction());
            assertNotNull(t[0].lastOk());
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "ROLLBACK"), otherCaps, t));
            assertFalse(t[0].inTransaction());
            RawClient.release(c.command(MySqlCommands.query(ALLOC, "SET autocommit = 1"), otherCaps, t));
        }
    }

    @Test
    void preparedStatements_prepareAndExecute_translateBothWays() throws Exception {
        String sql = "SELECT a, b, ? AS p FROM t WHERE a >= ? ORDER BY a";
        String r = bothWays(c -> MySqlCommands.prepare(ALLOC, sql), ResultStream.Kind.PREPARE).get(0);
        assertTrue(r.contains("PREPARE_OK columns=3 params=2"), r);
        // each connection has its own statement ids: prepare once more on each, then execute
        long idEof = prepare(withEof, sql);
        long idDe = prepare(deprecateEof, sql);
        String exec = bothWays(c -> ComStmtExecute.write(ALLOC, c == withEof ? idEof : idDe, 0, "tag", 2L),
                ResultStream.Kind.EXECUTE).get(0);
        assertTrue(exec.contains("COLUMNS [a, b, p]") && exec.chars().filter(ch -> ch == 'R').count() >= 2, exec);
        // a statement without result set
        long updEof = prepare(withEof, "UPDATE t SET b = b WHERE a = ?");
        long updDe = prepare(deprecateEof, "UPDATE t SET b = b WHERE a = ?");
        bothWays(c -> ComStmtExecute.write(ALLOC, c == withEof ? updEof : updDe, 0, 1L), ResultStream.Kind.EXECUTE);
        bothWays(c -> MySqlCommands.prepare(ALLOC, "SELEKT nonsense"), ResultStream.Kind.PREPARE);
    }

    static long prepare(RawClient c, String sql) throws Exception {
        MySqlResponseTracker[] t = new MySqlResponseTracker[1];
        RawClient.release(c.command(MySqlCommands.prepare(ALLOC, sql), c.connection.capabilities(), t));
        return t[0].prepareOk().statementId();
    }

    @Test
    void cursor_executeAndFetch_translateBothWays() throws Exception {
        String sql = "SELECT a, b FROM t ORDER BY a";
        long idEof = prepare(withEof, sql);
        long idDe = prepare(deprecateEof, sql);
        String opened = bothWays(c -> ComStmtExecute.write(ALLOC, c == withEof ? idEof : idDe,
                ComStmtExecute.CURSOR_TYPE_READ_ONLY), ResultStream.Kind.EXECUTE).get(0);
        assertTrue(opened.contains("COLUMNS [a, b]") && !opened.contains("ROW"), opened);
        String fetched = bothWays(c -> ALLOC.buffer().writeByte(MySqlCommand.COM_STMT_FETCH.code())
                .writeIntLE((int) (c == withEof ? idEof : idDe)).writeIntLE(2), ResultStream.Kind.FETCH).get(0);
        assertTrue(fetched.contains("ROW"), fetched);
    }

    @Test
    void fieldListAndSimpleCommands_translateBothWays() throws Exception {
        String r = bothWays(c -> new MySqlCommands.FieldList("t", "").toPayload(ALLOC), ResultStream.Kind.FIELD_LIST).get(0);
        assertTrue(r.contains("COLUMN a") && r.contains("COLUMN b"), r);
        bothWays(c -> MySqlCommands.simple(ALLOC, MySqlCommand.COM_PING), ResultStream.Kind.SIMPLE);
        bothWays(c -> MySqlCommands.initDb(ALLOC, db.name()), ResultStream.Kind.SIMPLE);
        bothWays(c -> MySqlCommands.initDb(ALLOC, "tr_no_such_db_x"), ResultStream.Kind.SIMPLE);
        bothWays(c -> MySqlCommands.setOption(ALLOC, MySqlCommands.MYSQL_OPTION_MULTI_STATEMENTS_ON), ResultStream.Kind.SIMPLE);
        bothWays(c -> MySqlCommands.simple(ALLOC, MySqlCommand.COM_RESET_CONNECTION), ResultStream.Kind.SIMPLE);
    }

    @Test
    void localInfile_suspendsTheResponseUntilTheClientDataWasSent() throws Exception {
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl(TestDatabases.server(Engine.MYSQL).adminUrl(), null, (String) null)
                .withDatabase(db.name()).withTlsMode(MySqlTlsMode.DISABLED);
        MySqlConnectOptions o = MySqlConnectOptions.defaults().withOptionalCapabilities(MySqlCapabilities.CLIENT_LOCAL_FILES);
        try (RawClient c = new RawClient(MySqlServerConnectorTest.connectOn(group, new MySqlServerConnector(o), e))) {
            java.util.concurrent.BlockingQueue<Object> in = c.inbound();
            MySqlResponseTracker t = MySqlResponseTracker.forCommand(
                    MySqlCommands.query(ALLOC, "LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE t"), c.connection.capabilities(),
                    c.connection.capabilities(), c.statusFlags);
            c.connection.channel().writeAndFlush(new MySqlPacket(0,
                    MySqlCommands.query(ALLOC, "LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE t"))).sync();
            MySqlPacket request = (MySqlPacket) in.poll(10, TimeUnit.SECONDS);
            assertEquals(MySqlResponseTracker.PacketKind.LOCAL_INFILE_REQUEST, t.accept(request));
            assertTrue(t.awaitingLocalInfileData());
            assertFalse(t.isComplete());
            assertEquals("rows.tsv", request.payload().toString(1, request.payload().readableBytes() - 1,
                    java.nio.charset.StandardCharsets.UTF_8));
            request.release();
            c.connection.channel().write(new MySqlPacket(2, Unpooled.copiedBuffer("10\tten\n11\televen\n",
                    java.nio.charset.StandardCharsets.UTF_8)));
            c.connection.channel().writeAndFlush(new MySqlPacket(3, Unpooled.EMPTY_BUFFER)).sync();
            t.localInfileDataSent(4, 4);
            MySqlPacket ok = (MySqlPacket) in.poll(10, TimeUnit.SECONDS);
            assertEquals(MySqlResponseTracker.PacketKind.OK, t.accept(ok));
            ok.release();
            assertTrue(t.isComplete());
            assertEquals(2, t.lastOk().affectedRows());
        }
        db.execute("DELETE FROM t WHERE a >= 10");
    }

    @Test
    void sessionTrack_isStrippedForAClientWithoutIt() throws Exception {
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl(TestDatabases.server(Engine.MYSQL).adminUrl(), null, (String) null)
                .withDatabase(db.name()).withTlsMode(MySqlTlsMode.DISABLED);
        MySqlConnectOptions o = MySqlConnectOptions.defaults().withOptionalCapabilities(MySqlCapabilities.CLIENT_SESSION_TRACK);
        try (RawClient c = new RawClient(MySqlServerConnectorTest.connectOn(group, new MySqlServerConnector(o), e))) {
            assertTrue(c.connection.has(MySqlCapabilities.CLIENT_SESSION_TRACK));
            long caps = c.connection.capabilities();
            // the server tracks the schema change; a client with SESSION_TRACK sees it
            List<MySqlPacket> same = c.command(MySqlCommands.query(ALLOC, "USE `" + db.name() + "`"), caps, null);
            OkPacket tracked = OkPacket.parse(same.get(0).payload(), caps);
            RawClient.release(same);
            assertTrue((tracked.statusFlags() & MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED) != 0, tracked.toString());
            assertTrue(tracked.sessionStateChanges().stream().anyMatch(ch -> ch.type() == OkPacket.SessionStateChange.SCHEMA
                    && ch.strings().equals(List.of(db.name()))), tracked.toString());
            // a client without it gets the plain form: no state block, no flag
            long plain = caps & ~MySqlCapabilities.CLIENT_SESSION_TRACK;
            List<MySqlPacket> stripped = c.command(MySqlCommands.query(ALLOC, "USE `" + db.name() + "`"), plain, null);
            OkPacket p = OkPacket.parse(stripped.get(0).payload(), plain);
            assertEquals(0, p.statusFlags() & MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED);
            assertEquals("", p.info());
            assertEquals(7, stripped.get(0).payload().readableBytes());
            RawClient.release(stripped);
            // and the result-set terminator of a SELECT under both translations
            ResultStream.read(stripped = c.command(MySqlCommands.query(ALLOC, "SELECT a FROM t"), plain, null),
                    ResultStream.Kind.QUERY, true);
            RawClient.release(stripped);
        }
    }

    @Test
    void outOfSequenceOrImpossiblePackets_areProtocolErrors() {
        MySqlResponseTracker t = new MySqlResponseTracker(MySqlCommand.COM_QUERY, false, 0, 0, 2, 1);
        MySqlPacket wrongSeq = new MySqlPacket(2, Unpooled.wrappedBuffer(OkPacket.of(2).toPayload(ALLOC, 0)));
        assertThrows(MySqlProtocolException.class, () -> t.translate(wrongSeq, ALLOC, new ArrayList<>()));
        assertEquals(0, wrongSeq.refCnt());
        MySqlResponseTracker t2 = new MySqlResponseTracker(MySqlCommand.COM_QUERY, false, 0, 0, 2, 1);
        assertThrows(MySqlProtocolException.class,
                () -> t2.accept(new MySqlPacket(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0xFE, 0, 0, 2, 0}))));
        MySqlResponseTracker closed = new MySqlResponseTracker(MySqlCommand.COM_STMT_CLOSE, false, 0, 0, 2, 1);
        assertTrue(closed.isComplete());
    }
}
