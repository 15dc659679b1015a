package io.tenantroute.proxy.pg;

import static io.tenantroute.proxy.pg.PgFrontendDecoderTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tenantroute.proxy.pg.PgBackendMessages.Severity;
import io.tenantroute.proxy.testsupport.Leaks;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every writer's output read back through a real decoder and its reader; rewrites; malformed content. */
class PgMessagesTest {
    private static final ByteBufAllocator A = ByteBufAllocator.DEFAULT;

    @AfterAll
    static void noLeaks() {
        Leaks.assertNone();
    }

    /** Decodes one frame written by a frontend writer through {@link PgFrontendDecoder} (after a StartupMessage). */
    static PgMessage frontend(ByteBuf frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        ch.writeInbound(PgFrontendMessages.startupMessage(A, Map.of("user", "u")));
        ch.readInbound();
        ch.writeInbound(frame);
        PgMessage m = ch.readInbound();
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        return m;
    }

    static PgMessage backend(ByteBuf frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new PgBackendDecoder());
        ch.writeInbound(frame);
        PgMessage m = ch.readInbound();
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        return m;
    }

    static PgMessage raw(String hex) {
        return new PgMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex)));
    }

    @Test
    void query_bytesAsTheManualSays_andReadBack() {
        ByteBuf q = PgFrontendMessages.query(A, "select 1");
        assertEquals("510000000d73656c656374203100", ByteBufUtil.hexDump(q));
        PgMessage m = frontend(q);
        assertEquals('Q', m.type());
        assertEquals("select 1", PgFrontendMessages.query(m));
        assertEquals(13, m.length());
        assertEquals(9, m.bodyLength());
        assertEquals("PgMessage('Q', 14 bytes)", m.toString());
        m.release();
    }

    @Test
    void parse_readBack() {
        PgMessage m = frontend(PgFrontendMessages.parse(A, "s1", "select $1, $2", 23, 0));
        PgFrontendMessages.Parse p = PgFrontendMessages.parse(m);
        assertEquals("s1", p.name());
        assertEquals("select $1, $2", p.sql());
        assertArrayEquals(new int[] {23, 0}, p.parameterTypes());
        m.release();
        PgMessage unnamed = frontend(PgFrontendMessages.parse(A, "", "select 1"));
        assertEquals("", PgFrontendMessages.parse(unnamed).name());
        assertEquals(0, PgFrontendMessages.parse(unnamed).parameterTypeCount());
        unnamed.release();
    }

    @Test
    void bind_textParametersNullsAndResultFormats() {
        PgMessage m = frontend(PgFrontendMessages.bind(A, "p1", "s1", Arrays.asList("acme", null, "ü"), (short) 1, (short) 0));
        PgFrontendMessages.Bind b = PgFrontendMessages.bind(m);
        assertEquals("p1", b.portal());
        assertEquals("s1", b.statement());
        assertEquals(3, b.parameterCount());
        assertEquals(0, b.parameterFormat(2));
        assertEquals("acme", b.parameterText(0));
        assertTrue(b.isNull(1));
        assertNull(b.parameterValue(1));
        assertEquals(-1, b.parameterLength(1));
        assertEquals("ü", b.parameterText(2));
        assertEquals(2, b.parameterLength(2));
        ByteBuf v = b.parameterValue(0);
        assertEquals("acme", v.toString(StandardCharsets.UTF_8));
        assertEquals(2, b.resultFormatCount());
        assertEquals(1, b.resultFormat(0));
        m.release();
    }

    @Test
    void bind_binaryFormatsByHand() {
        // Bind "" "s" formats [1] (all binary), 2 params: int4 7, int8 NULL; result formats none.
        ByteBuf f = PgWire.begin(A, PgFrontendMessages.BIND, 32);
        f.writeBytes(new byte[] {0, 's', 0});
        f.writeShort(1).writeShort(1);
        f.writeShort(2).writeInt(4).writeInt(7).writeInt(-1);
        f.writeShort(0);
        PgMessage m = frontend(PgWire.finish(f));
        PgFrontendMessages.Bind b = PgFrontendMessages.bind(m);
        assertEquals(1, b.parameterFormat(0));
        assertEquals(1, b.parameterFormat(1));
        assertEquals(7, b.parameterValue(0).getInt(0));
        assertTrue(b.isNull(1));
        assertEquals(0, b.resultFormatCount());
        m.release();
    }

    @Test
    void bind_formatCountMismatch_isAProtocolViolation() {
        ByteBuf f = PgWire.begin(A, PgFrontendMessages.BIND, 32);
        f.writeBytes(new byte[] {0, 0});
        f.writeShort(2).writeShort(0).writeShort(0);
        f.writeShort(3).writeInt(-1).writeInt(-1).writeInt(-1);
        f.writeShort(0);
        PgMessage m = frontend(PgWire.finish(f));
        PgProtocolException e = assertThrows(PgProtocolException.class, () -> PgFrontendMessages.bind(m));
        assertEquals("bind message has 2 parameter formats but 3 parameters", e.getMessage());
        m.release();
    }

    @Test
    void describeExecuteClose_readBack() {
        PgMessage d = frontend(PgFrontendMessages.describe(A, PgFrontendMessages.KIND_STATEMENT, "s1"));
        assertEquals(new PgFrontendMessages.Target((byte) 'S', "s1"), PgFrontendMessages.describe(d));
        assertTrue(PgFrontendMessages.describe(d).isStatement());
        d.release();
        PgMessage e = frontend(PgFrontendMessages.execute(A, "p", 100));
        assertEquals(new PgFrontendMessages.Execute("p", 100), PgFrontendMessages.execute(e));
        e.release();
        PgMessage c = frontend(PgFrontendMessages.close(A, PgFrontendMessages.KIND_PORTAL, ""));
        assertEquals(new PgFrontendMessages.Target((byte) 'P', ""), PgFrontendMessages.close(c));
        c.release();
        assertEquals("5300000004", ByteBufUtil.hexDump(bytes(PgFrontendMessages.sync(A))));
        assertEquals("4800000004", ByteBufUtil.hexDump(bytes(PgFrontendMessages.flush(A))));
        assertEquals("5800000004", ByteBufUtil.hexDump(bytes(PgFrontendMessages.terminate(A))));
    }

    @Test
    void passwordAndSaslMessages_readBack() {
        PgMessage p = frontend(PgFrontendMessages.passwordMessage(A, "md5abc"));
        assertEquals("md5abc", PgFrontendMessages.password(p));
        p.release();
        PgMessage i = frontend(PgFrontendMessages.saslInitialResponse(A, "SCRAM-SHA-256", "n,,n=,r=x".getBytes(StandardCharsets.UTF_8)));
        PgFrontendMessages.SaslInitialResponse r = PgFrontendMessages.saslInitialResponse(i);
        assertEquals("SCRAM-SHA-256", r.mechanism());
        assertEquals("n,,n=,r=x", new String(r.data(), StandardCharsets.UTF_8));
        i.release();
        PgMessage none = frontend(PgFrontendMessages.saslInitialResponse(A, "SCRAM-SHA-256", null));
        assertNull(PgFrontendMessages.saslInitialResponse(none).data());
        none.release();
        PgMessage s = frontend(PgFrontendMessages.saslResponse(A, new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, PgFrontendMessages.saslResponse(s));
        s.release();
    }

    @Test
    void startupAndCancelWriters_decodeBack() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "app");
        params.put("database", "shop");
        params.put("application_name", "tenantroute");
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        ch.writeInbound(PgFrontendMessages.startupMessage(A, params));
        PgStartupPacket.StartupMessage s = ch.readInbound();
        assertEquals(params, s.parameters());
        assertFalse(ch.finish());
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.startupMessage(A, Map.of("database", "x")));
    }

    @Test
    void malformedFrontendContent_isAProtocolViolation() {
        // Query without its NUL.
        PgMessage q = raw("510000000c73656c6563742031");
        assertThrows(PgProtocolException.class, () -> PgFrontendMessages.query(q));
        q.release();
        // Parse claiming 5 parameter types with none present.
        PgMessage p = raw("5000000008" + "0000" + "0005");
        assertThrows(PgProtocolException.class, () -> PgFrontendMessages.parse(p));
        p.release();
        // Describe with kind 'X'.
        PgMessage d = raw("44000000065800");
        assertThrows(PgProtocolException.class, () -> PgFrontendMessages.describe(d));
        d.release();
        // Execute with bytes left over.
        PgMessage e = raw("450000000b00000000000099");
        assertThrows(PgProtocolException.class, () -> PgFrontendMessages.execute(e));
        e.release();
        // Bind with a value longer than the message.
        PgMessage b = raw("4200000010" + "0000" + "0000" + "0001" + "00000010" + "0000");
        assertThrows(PgProtocolException.class, () -> PgFrontendMessages.bind(b));
        b.release();
        // A reader given the wrong type is a caller's bug.
        PgMessage sync = raw("5300000004");
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.query(sync));
        sync.release();
        // A frame whose length does not match.
        assertThrows(PgProtocolException.class, () -> new PgMessage(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("5300000005"))));
    }

    @Test
    void writersRefuseNul() {
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.query(A, "select '\0'"));
        assertThrows(IllegalArgumentException.class, () -> PgBackendMessages.errorResponse(A, Severity.ERROR, "42000", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.parse(A, "s\0", "select 1"));
    }

    // ------------------------------------------------------------------ rewrite

    @Test
    void bindRewrite_equalsABindWrittenWithTheNewName_andSharesTheRest() {
        List<String> params = Arrays.asList("acme", null, "42");
        PgMessage original = frontend(PgFrontendMessages.bind(A, "portal", "client_s1", params, (short) 1));
        PgMessage renamed = PgFrontendMessages.withStatementName(A, original, "tr_7");
        byte[] expected = bytes(PgFrontendMessages.bind(A, "portal", "tr_7", params, (short) 1));
        assertArrayEquals(expected, ByteBufUtil.getBytes(renamed.frame()));
        PgFrontendMessages.Bind b = PgFrontendMessages.bind(renamed);
        assertEquals("tr_7", b.statement());
        assertEquals("portal", b.portal());
        assertEquals("acme", b.parameterText(0));
        // The original can go; the rewrite keeps its own reference to the shared bytes.
        original.release();
        assertEquals("42", PgFrontendMessages.bind(renamed).parameterText(2));
        renamed.release();
        assertEquals(0, renamed.refCnt());
    }

    @Test
    void parseDescribeCloseRewrite() {
        PgMessage p = frontend(PgFrontendMessages.parse(A, "a", "select $1", 25));
        PgMessage p2 = PgFrontendMessages.withStatementName(A, p, "longer_name");
        assertArrayEquals(bytes(PgFrontendMessages.parse(A, "longer_name", "select $1", 25)), ByteBufUtil.getBytes(p2.frame()));
        p.release();
        p2.release();

        PgMessage d = frontend(PgFrontendMessages.describe(A, PgFrontendMessages.KIND_STATEMENT, "s1"));
        PgMessage d2 = PgFrontendMessages.withStatementName(A, d, "");
        assertEquals(new PgFrontendMessages.Target((byte) 'S', ""), PgFrontendMessages.describe(d2));
        d.release();
        d2.release();

        PgMessage c = frontend(PgFrontendMessages.close(A, PgFrontendMessages.KIND_STATEMENT, ""));
        PgMessage c2 = PgFrontendMessages.withStatementName(A, c, "tr_1");
        assertArrayEquals(bytes(PgFrontendMessages.close(A, PgFrontendMessages.KIND_STATEMENT, "tr_1")), ByteBufUtil.getBytes(c2.frame()));
        c.release();
        c2.release();

        PgMessage portal = frontend(PgFrontendMessages.describe(A, PgFrontendMessages.KIND_PORTAL, "p"));
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.withStatementName(A, portal, "x"));
        portal.release();
        PgMessage q = frontend(PgFrontendMessages.query(A, "select 1"));
        assertThrows(IllegalArgumentException.class, () -> PgFrontendMessages.withStatementName(A, q, "x"));
        q.release();
    }

    @Test
    void rewrittenFrame_isAValidFrameForTheDecoder() {
        PgMessage original = frontend(PgFrontendMessages.bind(A, "", "s", List.of("x"), new short[0]));
        PgMessage renamed = PgFrontendMessages.withStatementName(A, original, "server_s");
        original.release();
        PgMessage again = frontend(renamed.frame().retain());
        renamed.release();
        assertEquals("server_s", PgFrontendMessages.bind(again).statement());
        again.release();
    }

    // ------------------------------------------------------------------ backend

    @Test
    void errorAndNotice_fieldsReadBack() {
        PgMessage e = backend(PgBackendMessages.errorResponse(A, Severity.FATAL, "28P01", "password authentication failed for user \"x\"", "dd", "hh"));
        PgBackendMessages.Notice n = PgBackendMessages.notice(e);
        assertEquals("FATAL", n.severity());
        assertEquals("FATAL", n.field('S'));
        assertEquals("28P01", n.sqlState());
        assertEquals("password authentication failed for user \"x\"", n.message());
        assertEquals("dd", n.detail());
        assertEquals("hh", n.hint());
        assertEquals(List.of('S', 'V', 'C', 'M', 'D', 'H'), List.copyOf(n.fields().keySet()));
        // A server's fields pass through a rewrite intact, in order.
        PgMessage copy = backend(PgBackendMessages.errorResponse(A, n.fields()));
        assertArrayEquals(ByteBufUtil.getBytes(e.frame()), ByteBufUtil.getBytes(copy.frame()));
        e.release();
        copy.release();
        PgMessage w = backend(PgBackendMessages.noticeResponse(A, Severity.WARNING, "01000", "w", null, null));
        assertEquals('N', w.type());
        assertEquals("WARNING", PgBackendMessages.notice(w).severity());
        assertNull(PgBackendMessages.notice(w).detail());
        w.release();
        assertThrows(IllegalArgumentException.class, () -> PgBackendMessages.errorResponse(A, Severity.ERROR, "123", "x"));
    }

    @Test
    void readyForQueryCommandCompleteParameterStatusBackendKeyData() {
        for (PgTransactionStatus s : PgTransactionStatus.values()) {
            PgMessage m = backend(PgBackendMessages.readyForQuery(A, s));
            assertEquals(s, PgBackendMessages.readyForQuery(m));
            m.release();
        }
        assertEquals("5a0000000549", ByteBufUtil.hexDump(bytes(PgBackendMessages.readyForQuery(A, PgTransactionStatus.IDLE))));
        PgMessage bad = raw("5a0000000558");
        assertThrows(PgProtocolException.class, () -> PgBackendMessages.readyForQuery(bad));
        bad.release();
        PgMessage c = backend(PgBackendMessages.commandComplete(A, "INSERT 0 1"));
        assertEquals("INSERT 0 1", PgBackendMessages.commandComplete(c));
        c.release();
        PgMessage p = backend(PgBackendMessages.parameterStatus(A, "TimeZone", "UTC"));
        assertEquals(new PgBackendMessages.ParameterStatus("TimeZone", "UTC"), PgBackendMessages.parameterStatus(p));
        p.release();
        PgMessage k = backend(PgBackendMessages.backendKeyData(A, 42, -7));
        assertEquals(new PgBackendMessages.BackendKeyData(42, -7), PgBackendMessages.backendKeyData(k));
        k.release();
    }

    @Test
    void rowDescriptionFieldCount() {
        PgMessage m = raw("540000000600" + "03");
        assertEquals(3, PgBackendMessages.rowDescriptionFieldCount(m));
        m.release();
    }

    @Test
    void authenticationMessages() {
        assertEquals("520000000800000000", ByteBufUtil.hexDump(bytes(PgBackendMessages.authenticationOk(A))));
        assertEquals("520000000800000003", ByteBufUtil.hexDump(bytes(PgBackendMessages.authenticationCleartextPassword(A))));
        PgMessage md5 = backend(PgBackendMessages.authenticationMd5Password(A, new byte[] {1, 2, 3, 4}));
        PgBackendMessages.Authentication a = PgBackendMessages.authentication(md5);
        assertEquals(PgBackendMessages.AUTH_MD5_PASSWORD, a.code());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, a.data());
        md5.release();
        PgMessage sasl = backend(PgBackendMessages.authenticationSasl(A, "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"), PgBackendMessages.authentication(sasl).saslMechanisms());
        assertEquals("520000002a0000000a534352414d2d5348412d3235362d504c5553005343524" + "14d2d5348412d3235360000",
                ByteBufUtil.hexDump(sasl.frame()));
        sasl.release();
        PgMessage cont = backend(PgBackendMessages.authenticationSaslContinue(A, "r=x".getBytes(StandardCharsets.UTF_8)));
        assertEquals(PgBackendMessages.AUTH_SASL_CONTINUE, PgBackendMessages.authentication(cont).code());
        assertEquals("r=x", new String(PgBackendMessages.authentication(cont).data(), StandardCharsets.UTF_8));
        cont.release();
        PgMessage fin = backend(PgBackendMessages.authenticationSaslFinal(A, "v=y".getBytes(StandardCharsets.UTF_8)));
        assertEquals(PgBackendMessages.AUTH_SASL_FINAL, PgBackendMessages.authentication(fin).code());
        fin.release();
        assertThrows(IllegalArgumentException.class, () -> PgBackendMessages.authenticationMd5Password(A, new byte[3]));
    }

    @Test
    void negotiateProtocolVersionAndEmptyMessages() {
        PgMessage v = backend(PgBackendMessages.negotiateProtocolVersion(A, PgStartupPacket.PROTOCOL_3_0, List.of("_pq_.a")));
        PgBackendMessages.NegotiateProtocolVersion n = PgBackendMessages.negotiateProtocolVersion(v);
        assertEquals(196608, n.newestVersion());
        assertEquals(List.of("_pq_.a"), n.unrecognizedOptions());
        v.release();
        assertEquals("3100000004", ByteBufUtil.hexDump(bytes(PgBackendMessages.parseComplete(A))));
        assertEquals("3200000004", ByteBufUtil.hexDump(bytes(PgBackendMessages.bindComplete(A))));
        assertEquals("3300000004", ByteBufUtil.hexDump(bytes(PgBackendMessages.closeComplete(A))));
        assertEquals("6e00000004", ByteBufUtil.hexDump(bytes(PgBackendMessages.noData(A))));
        assertEquals("4900000004", ByteBufUtil.hexDump(bytes(PgBackendMessages.emptyQueryResponse(A))));
        assertEquals("53", ByteBufUtil.hexDump(bytes(PgBackendMessages.sslResponse(A, true))));
        assertEquals("4e", ByteBufUtil.hexDump(bytes(PgBackendMessages.sslResponse(A, false))));
    }
}
