package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MySqlCommandsTest {
    static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    static EventLoopGroup group;
    static MySqlServerEndpoint root;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        root = MySqlServerEndpoint.fromJdbcUrl(TestDatabases.server(Engine.MYSQL).adminUrl(), null, (String) null)
                .withTlsMode(MySqlTlsMode.DISABLED);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void textCommands_roundTrip_inTheClientsCharset() {
        ByteBuf q = ALLOC.buffer().writeByte(0x03).writeBytes("SELECT 'é'".getBytes(Charset.forName("windows-1252")));
        assertEquals("SELECT 'é'", MySqlCommands.querySql(q, MySqlCharsets.javaCharset(8))); // latin1_swedish_ci
        q.release();
        ByteBuf u = MySqlCommands.query(ALLOC, "SELECT 'é'");
        assertEquals("SELECT 'é'", MySqlCommands.querySql(u, MySqlCharsets.javaCharset(MySqlCharsets.UTF8MB4_GENERAL_CI)));
        assertThrows(MySqlProtocolException.class, () -> MySqlCommands.initDbSchema(u));
        u.release();
        ByteBuf db = MySqlCommands.initDb(ALLOC, "shop");
        assertEquals("shop", MySqlCommands.initDbSchema(db));
        db.release();
        ByteBuf fl = new MySqlCommands.FieldList("t", "a%").toPayload(ALLOC);
        assertEquals(new MySqlCommands.FieldList("t", "a%"), MySqlCommands.FieldList.parse(fl));
        fl.release();
        ByteBuf so = MySqlCommands.setOption(ALLOC, MySqlCommands.MYSQL_OPTION_MULTI_STATEMENTS_OFF);
        assertEquals(1, MySqlCommands.setOption(so));
        so.release();
        assertEquals(MySqlCommand.COM_RESET_CONNECTION, MySqlCommand.of(Unpooled.wrappedBuffer(new byte[] {0x1F})));
        assertNull(MySqlCommand.of(0x12)); // COM_BINLOG_DUMP: not an application command
        assertThrows(MySqlProtocolException.class, () -> MySqlCommands.statementId(Unpooled.wrappedBuffer(new byte[] {0x03, 1})));
    }

    @Test
    void changeUser_roundTrips() {
        long caps = MySqlCapabilities.PROXY_SERVER;
        MySqlCommands.ChangeUser cu = new MySqlCommands.ChangeUser("app", new byte[] {1, 2, 3}, "shop", 45,
                MySqlNativePassword.PLUGIN_NAME, Map.of(MySqlClientLogin.TENANT_ATTRIBUTE, "acme"));
        ByteBuf b = cu.toPayload(ALLOC, caps);
        MySqlCommands.ChangeUser p = MySqlCommands.ChangeUser.parse(b, caps);
        b.release();
        assertEquals("app", p.user());
        assertArrayEquals(new byte[] {1, 2, 3}, p.authResponse());
        assertEquals("shop", p.database());
        assertEquals(45, p.charset());
        assertEquals(MySqlNativePassword.PLUGIN_NAME, p.authPluginName());
        assertEquals(Map.of(MySqlClientLogin.TENANT_ATTRIBUTE, "acme"), p.connectAttributes());
    }

    @Test
    void statementCommands_sendLongDataResetAndClose_workOnARealServer() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        try (RawClient c = new RawClient(MySqlServerConnectorTest.connectOn(group, connector, root))) {
            long id = MySqlResponseTrackerTest.prepare(c, "SELECT CONCAT(?, '|', ?) AS v");
            // parameter 0 as long data in two chunks, renumbered from a "client id" 900 to the server's id
            for (String chunk : List.of("long-", "data")) {
                ByteBuf ld = new MySqlCommands.SendLongData(900, 0, Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)).toPayload(ALLOC);
                assertEquals(900, MySqlCommands.statementId(ld));
                ByteBuf renumbered = MySqlCommands.withStatementId(ALLOC, ld, id);
                MySqlCommands.SendLongData parsed = MySqlCommands.SendLongData.parse(renumbered);
                assertEquals(id, parsed.statementId());
                assertEquals(chunk, parsed.data().toString(StandardCharsets.UTF_8));
                ld.release();
                assertTrue(c.command(renumbered).isEmpty(), "COM_STMT_SEND_LONG_DATA has no response");
            }
            ByteBuf exec = ALLOC.buffer().writeByte(0x17).writeIntLE((int) id).writeByte(0).writeIntLE(1)
                    .writeByte(0).writeByte(1).writeShortLE(MySqlTypes.MYSQL_TYPE_BLOB).writeShortLE(MySqlTypes.MYSQL_TYPE_VAR_STRING);
            Wire.writeLenencString(exec, "short");
            List<MySqlPacket> r = c.command(exec);
            List<String> read = ResultStream.read(r, ResultStream.Kind.EXECUTE, true);
            String row = read.get(1);
            RawClient.release(r);
            assertTrue(row.contains(ByteBufUtil.hexDump("long-data|short".getBytes(StandardCharsets.UTF_8))), read.toString());

            List<MySqlPacket> reset = c.command(MySqlCommands.statementCommand(ALLOC, MySqlCommand.COM_STMT_RESET, id));
            assertEquals(List.of("OK status=2"), ResultStream.read(reset, ResultStream.Kind.SIMPLE, true));
            RawClient.release(reset);
            assertTrue(c.command(MySqlCommands.statementCommand(ALLOC, MySqlCommand.COM_STMT_CLOSE, id)).isEmpty());
            List<MySqlPacket> gone = c.command(ComStmtExecute.write(ALLOC, id, 0, "a", "b"));
            assertEquals(List.of("ERR 1243"), ResultStream.read(gone, ResultStream.Kind.EXECUTE, true)); // unknown statement handler
            RawClient.release(gone);
        }
    }

    @Test
    void changeUser_againstTheRealServer_isAnAuthExchange() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        try (RawClient c = new RawClient(MySqlServerConnectorTest.connectOn(group, connector, root))) {
            long caps = c.connection.capabilities();
            MySqlResponseTracker t = new MySqlResponseTracker(MySqlCommand.COM_CHANGE_USER, false, caps, caps, c.statusFlags, 1);
            // an empty auth response: the server answers with AuthSwitchRequest (a fresh nonce) or OK for an
            // account without password; root here has none
            c.connection.channel().writeAndFlush(new MySqlPacket(0, new MySqlCommands.ChangeUser(root.user(), new byte[0], "",
                    45, MySqlNativePassword.PLUGIN_NAME, Map.of()).toPayload(ALLOC, caps))).sync();
            MySqlPacket p = (MySqlPacket) c.inbound().poll(10, TimeUnit.SECONDS);
            MySqlResponseTracker.PacketKind k = t.accept(p);
            if (k == MySqlResponseTracker.PacketKind.AUTH_SWITCH) {
                AuthSwitchRequest sw = AuthSwitchRequest.parse(p.payload());
                int seq = p.nextSequenceId();
                p.release();
                c.connection.channel().writeAndFlush(new MySqlPacket(seq, Unpooled.wrappedBuffer(
                        MySqlNativePassword.scramble(root.password().get().getBytes(StandardCharsets.UTF_8), sw.pluginData())))).sync();
                p = (MySqlPacket) c.inbound().poll(10, TimeUnit.SECONDS);
                k = t.accept(p);
            }
            assertEquals(MySqlResponseTracker.PacketKind.OK, k, () -> "not OK: " + t.error());
            p.release();
            assertTrue(t.isComplete());
            String[] row = MySqlServerConnectorTest.firstRow(c, "SELECT CURRENT_USER()");
            assertTrue(row[0].startsWith(root.user() + "@"), row[0]);
        }
    }
}
