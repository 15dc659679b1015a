package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComStmtExecuteTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    private static final int U = MySqlTypes.UNSIGNED_FLAG;

    /** A hand-built execute of every type family, types bound (new-params-bound 1). */
    private ByteBuf everyType(boolean bindTypes, long statementId) {
        int[] types = {MySqlTypes.MYSQL_TYPE_TINY | U, MySqlTypes.MYSQL_TYPE_SHORT, MySqlTypes.MYSQL_TYPE_INT24,
            MySqlTypes.MYSQL_TYPE_LONG | U, MySqlTypes.MYSQL_TYPE_LONGLONG | U, MySqlTypes.MYSQL_TYPE_LONGLONG,
            MySqlTypes.MYSQL_TYPE_FLOAT, MySqlTypes.MYSQL_TYPE_DOUBLE, MySqlTypes.MYSQL_TYPE_NEWDECIMAL,
            MySqlTypes.MYSQL_TYPE_VAR_STRING, MySqlTypes.MYSQL_TYPE_BLOB, MySqlTypes.MYSQL_TYPE_DATE,
            MySqlTypes.MYSQL_TYPE_DATETIME, MySqlTypes.MYSQL_TYPE_TIME, MySqlTypes.MYSQL_TYPE_NULL,
            MySqlTypes.MYSQL_TYPE_STRING};
        ByteBuf b = alloc.buffer();
        b.writeByte(0x17).writeIntLE((int) statementId).writeByte(0).writeIntLE(1);
        byte[] bitmap = new byte[2];
        bitmap[14 >> 3] |= (byte) (1 << (14 & 7)); // parameter 14 is NULL
        b.writeBytes(bitmap).writeByte(bindTypes ? 1 : 0);
        if (bindTypes) {
            for (int t : types) {
                b.writeShortLE(t);
            }
        }
        b.writeByte(255);                       // TINY unsigned
        b.writeShortLE(-2);                     // SHORT
        b.writeIntLE(-70000);                   // INT24 (4 bytes on the wire)
        b.writeIntLE(-1);                       // LONG unsigned 4294967295
        b.writeLongLE(-1);                      // LONGLONG unsigned 2^64-1
        b.writeLongLE(3);                       // LONGLONG 3
        b.writeFloatLE(1.5f);
        b.writeDoubleLE(3.0);                   // mysql2 sends a JS number as DOUBLE
        Wire.writeLenencString(b, "12.50");
        Wire.writeLenencString(b, "tenant-ü");
        Wire.writeLenencBytes(b, "blob text".getBytes(StandardCharsets.UTF_8));
        b.writeByte(4).writeShortLE(2024).writeByte(2).writeByte(29);
        b.writeByte(11).writeShortLE(2024).writeByte(2).writeByte(29).writeByte(13).writeByte(14).writeByte(15).writeIntLE(123456);
        b.writeByte(8).writeByte(1).writeIntLE(1).writeByte(2).writeByte(3).writeByte(4); // -(1 day 02:03:04)
        Wire.writeLenencString(b, "3");
        return b;
    }

    static final int[] EVERY_TYPE_TYPES = {MySqlTypes.MYSQL_TYPE_TINY | U, MySqlTypes.MYSQL_TYPE_SHORT,
        MySqlTypes.MYSQL_TYPE_INT24, MySqlTypes.MYSQL_TYPE_LONG | U, MySqlTypes.MYSQL_TYPE_LONGLONG | U,
        MySqlTypes.MYSQL_TYPE_LONGLONG, MySqlTypes.MYSQL_TYPE_FLOAT, MySqlTypes.MYSQL_TYPE_DOUBLE,
        MySqlTypes.MYSQL_TYPE_NEWDECIMAL, MySqlTypes.MYSQL_TYPE_VAR_STRING, MySqlTypes.MYSQL_TYPE_BLOB,
        MySqlTypes.MYSQL_TYPE_DATE, MySqlTypes.MYSQL_TYPE_DATETIME, MySqlTypes.MYSQL_TYPE_TIME,
        MySqlTypes.MYSQL_TYPE_NULL, MySqlTypes.MYSQL_TYPE_STRING};

    private static void assertEveryTypeValues(ComStmtExecute e) {
        assertEquals(255L, e.value(0));
        assertEquals(-2L, e.value(1));
        assertEquals(-70000L, e.value(2));
        assertEquals(4294967295L, e.value(3));
        assertEquals(new BigInteger("18446744073709551615"), e.value(4));
        assertEquals(3L, e.value(5));
        assertEquals(1.5f, e.value(6));
        assertEquals(3.0, e.value(7));
        assertEquals(new BigDecimal("12.50"), e.value(8));
        assertEquals("tenant-ü", e.value(9));
        assertEquals("blob text", e.value(10));
        assertEquals(LocalDate.of(2024, 2, 29), e.value(11));
        assertEquals(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000), e.value(12));
        assertEquals(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).negated(), e.value(13));
        assertTrue(e.isNull(14));
        assertNull(e.value(14));
        assertEquals("3", e.value(15));
    }

    @Test
    void everyTypeFamily_decodesToJavaValues() {
        ByteBuf b = everyType(true, 42);
        ComStmtExecute e = ComStmtExecute.parse(b, 16, null);
        assertEquals(42, e.statementId());
        assertTrue(e.newParamsBound());
        assertFalse(e.opensCursor());
        assertEquals(1, e.iterationCount());
        assertArrayEquals(EVERY_TYPE_TYPES, e.paramTypes());
        assertEveryTypeValues(e);
        b.release();
    }

    @Test
    void executeWithoutTypes_getsTheKnownTypesInjected_andANewStatementId() {
        ByteBuf unbound = everyType(false, 42);
        ComStmtExecute e = ComStmtExecute.parse(unbound, 16, null);
        assertFalse(e.newParamsBound());
        assertNull(e.paramTypes());
        assertThrows(IllegalStateException.class, () -> e.value(0));
        ComStmtExecute known = ComStmtExecute.parse(unbound, 16, EVERY_TYPE_TYPES);
        assertEveryTypeValues(known);

        ByteBuf rewritten = known.withParamTypes(alloc, 7, EVERY_TYPE_TYPES);
        ByteBuf bound = everyType(true, 7);
        assertArrayEquals(ByteBufUtil.getBytes(bound), ByteBufUtil.getBytes(rewritten),
                "the injected frame is byte for byte what a client binding the types sends");
        ComStmtExecute r = ComStmtExecute.parse(rewritten, 16, null);
        assertEquals(7, r.statementId());
        assertEveryTypeValues(r);
        rewritten.release();

        ByteBuf renumbered = ComStmtExecute.parse(bound, 16, null).withStatementId(alloc, 0xFFFF_FFFEL);
        assertEquals(0xFFFF_FFFEL, MySqlCommands.statementId(renumbered));
        assertArrayEquals(ByteBufUtil.getBytes(bound, 5, bound.readableBytes() - 5),
                ByteBufUtil.getBytes(renumbered, 5, renumbered.readableBytes() - 5));
        renumbered.release();
        bound.release();
        unbound.release();
    }

    @Test
    void longDataParameters_haveNoBytesInTheExecute() {
        ByteBuf b = alloc.buffer();
        b.writeByte(0x17).writeIntLE(1).writeByte(0).writeIntLE(1).writeByte(0).writeByte(1);
        b.writeShortLE(MySqlTypes.MYSQL_TYPE_BLOB).writeShortLE(MySqlTypes.MYSQL_TYPE_LONGLONG);
        b.writeLongLE(9); // only parameter 1: parameter 0 came with COM_STMT_SEND_LONG_DATA
        BitSet longData = new BitSet();
        longData.set(0);
        ComStmtExecute e = ComStmtExecute.parse(b, 2, null, longData);
        assertEquals(9L, e.value(1));
        assertThrows(IllegalStateException.class, () -> e.value(0));
        b.release();
    }

    @Test
    void truncatedOrWrongPackets_areProtocolErrors() {
        ByteBuf full = everyType(true, 1);
        for (int cut : new int[] {3, 9, 12, 40, full.readableBytes() - 1}) {
            ByteBuf part = full.retainedSlice(0, cut);
            assertThrows(MySqlProtocolException.class, () -> ComStmtExecute.parse(part, 16, null), "cut at " + cut);
            part.release();
        }
        full.release();
        assertThrows(MySqlProtocolException.class,
                () -> ComStmtExecute.parse(Unpooled.wrappedBuffer(new byte[] {0x03, 's'}), 0, null));
    }

    @Test
    void writer_roundTrips() {
        ByteBuf b = ComStmtExecute.write(alloc, 5, ComStmtExecute.CURSOR_TYPE_READ_ONLY, 3L, 3.0, "acme", null,
                new BigDecimal("7"), new byte[] {1, 2});
        ComStmtExecute e = ComStmtExecute.parse(b, 6, null);
        assertTrue(e.opensCursor());
        assertEquals(List.of(3L, 3.0, "acme"), List.of(e.value(0), e.value(1), e.value(2)));
        assertNull(e.value(3));
        assertEquals(new BigDecimal("7"), e.value(4));
        assertEquals("\u0001\u0002", e.value(5));
        b.release();
    }

    /**
     * The rewrite a pooled session needs: the client bound its types on connection A and sends later executes
     * without them; the statement is re-prepared on connection B, which never saw the types.
     */
    @Test
    void injectedTypes_areWhatARealServerConnectionNeeds() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        MySqlServerEndpoint ep = MySqlServerEndpoint.fromJdbcUrl(TestDatabases.server(Engine.MYSQL).adminUrl(), null, (String) null)
                .withTlsMode(MySqlTlsMode.DISABLED);
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        String sql = "SELECT ? + 1 AS n, CONCAT(?, '!') AS s";
        try (RawClient a = new RawClient(MySqlServerConnectorTest.connectOn(group, connector, ep));
                RawClient b = new RawClient(MySqlServerConnectorTest.connectOn(group, connector, ep))) {
            MySqlResponseTrackerTest.prepare(b, "SELECT 1"); // so the two connections number statements differently
            long idA = MySqlResponseTrackerTest.prepare(a, sql);
            long idB = MySqlResponseTrackerTest.prepare(b, sql);
            assertTrue(idA != idB);
            // first execute on A binds the types (LONGLONG, VAR_STRING)
            RawClient.release(a.command(ComStmtExecute.write(a.connection.channel().alloc(), idA, 0, 41L, "hi")));
            // the client's next execute relies on them: new-params-bound 0
            ByteBuf unbound = Unpooled.buffer().writeByte(0x17).writeIntLE((int) idA).writeByte(0).writeIntLE(1)
                    .writeByte(0).writeByte(0).writeLongLE(99);
            Wire.writeLenencString(unbound, "tenant");
            int[] types = {MySqlTypes.MYSQL_TYPE_LONGLONG, MySqlTypes.MYSQL_TYPE_VAR_STRING};
            ComStmtExecute e = ComStmtExecute.parse(unbound, 2, types);
            assertEquals(99L, e.value(0));
            assertEquals("tenant", e.value(1));
            List<MySqlPacket> onB = b.command(e.withParamTypes(b.connection.channel().alloc(), idB, types));
            try {
                assertEquals(List.of("COLUMNS [n, s]", "ROW"), ResultStream.read(onB, ResultStream.Kind.EXECUTE, true)
                        .stream().map(s -> s.startsWith("ROW") ? "ROW" : s).filter(s -> !s.startsWith("END")).toList());
                // the binary row: null bitmap, then n = 100 (LONGLONG), s = 'tenant!'
                ByteBuf row = onB.get(onB.size() - 2).payload();
                assertEquals(100L, row.getLongLE(row.readerIndex() + 2));
                assertTrue(ByteBufUtil.hexDump(row).endsWith(ByteBufUtil.hexDump("tenant!".getBytes(StandardCharsets.UTF_8))));
            } finally {
                RawClient.release(onB);
            }
            unbound.release();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
