package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.tenantroute.proxy.testsupport.Leaks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgFrontendDecoderTest {
    private static final ByteBufAllocator A = ByteBufAllocator.DEFAULT;

    @BeforeAll
    static void detector() {
        Leaks.assertDetectorInstalled();
    }

    @AfterAll
    static void noLeaks() {
        Leaks.assertNone();
    }

    static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] startup(String user, String database) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", user);
        p.put("database", database);
        p.put("application_name", "psql");
        return bytes(PgFrontendMessages.startupMessage(A, p));
    }

    /** A StartupMessage written by hand, independent of the writer under test. */
    static byte[] handStartup(int version, String... pairs) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String s : pairs) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        ByteBuf buf = Unpooled.buffer().writeInt(8 + b.length).writeInt(version).writeBytes(b);
        return bytes(buf);
    }

    /** What a decoder emitted, reduced to comparable values (messages as their frame bytes), all released. */
    static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof PgMessage) {
                PgMessage m = (PgMessage) o;
                // A retained slice may share its parent's count (unpooled) or have its own (pooled): what must hold
                // is that releasing every message frees the read buffers, which the callers check.
                assertTrue(m.refCnt() > 0);
                out.add((char) m.type() + ":" + ByteBufUtil.hexDump(m.frame()));
                m.release();
            } else {
                out.add(o);
            }
        }
        return out;
    }

    static List<Object> decodeWhole(byte[] stream) {
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        List<Object> out = new ArrayList<>();
        int from = 0;
        if (stream.length >= 8 && ByteBufUtil.hexDump(stream, 0, 8).equals("0000000804d2162f")) {
            // A client sends nothing behind its SSLRequest until it has the answer: feed it alone.
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, 8));
            out.addAll(drain(ch));
            from = 8;
        }
        ByteBuf in = Unpooled.wrappedBuffer(stream, from, stream.length - from);
        ch.writeInbound(in);
        out.addAll(drain(ch));
        assertEquals(0, in.refCnt(), "once the messages are released, nothing holds the read buffer");
        assertFalse(ch.finish());
        return out;
    }

    static byte[] clientSession() {
        return concat(
                bytes(PgFrontendMessages.sslRequest(A)),
                startup("app", "shop"),
                bytes(PgFrontendMessages.saslInitialResponse(A, "SCRAM-SHA-256", "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8))),
                bytes(PgFrontendMessages.saslResponse(A, "c=biws,r=abcdef,p=xyz".getBytes(StandardCharsets.UTF_8))),
                bytes(PgFrontendMessages.query(A, "select 1")),
                bytes(PgFrontendMessages.parse(A, "s1", "select $1::int", 23)),
                bytes(PgFrontendMessages.bind(A, "", "s1", java.util.Arrays.asList("42", null), (short) 1)),
                bytes(PgFrontendMessages.describe(A, PgFrontendMessages.KIND_PORTAL, "")),
                bytes(PgFrontendMessages.execute(A, "", 0)),
                bytes(PgFrontendMessages.close(A, PgFrontendMessages.KIND_STATEMENT, "s1")),
                bytes(PgFrontendMessages.flush(A)),
                bytes(PgFrontendMessages.sync(A)),
                new byte[] {'d', 0, 0, 0, 7, 'a', 'b', 'c'},
                new byte[] {'c', 0, 0, 0, 4},
                new byte[] {'f', 0, 0, 0, 5, 0},
                new byte[] {'F', 0, 0, 0, 4},
                bytes(PgFrontendMessages.passwordMessage(A, "md5abc")),
                bytes(PgFrontendMessages.terminate(A)));
    }

    @Test
    void startupThenTypedMessages_decodedInOrder_framesForwardableAsSent() {
        byte[] stream = clientSession();
        List<Object> out = decodeWhole(stream);
        assertEquals(18, out.size(), out.toString());
        assertEquals(PgStartupPacket.SslRequest.INSTANCE, out.get(0));
        PgStartupPacket.StartupMessage s = assertInstanceOf(PgStartupPacket.StartupMessage.class, out.get(1));
        assertEquals(PgStartupPacket.PROTOCOL_3_0, s.protocolVersion());
        assertEquals("app", s.user());
        assertEquals("shop", s.database());
        assertEquals(List.of("user", "database", "application_name"), new ArrayList<>(s.parameters().keySet()));
        assertFalse(s.needsNegotiation());
        // The typed frames come out byte for byte as they went in, header included.
        int offset = 8 + startup("app", "shop").length;
        StringBuilder rebuilt = new StringBuilder();
        for (Object o : out.subList(2, out.size())) {
            rebuilt.append(((String) o).substring(2));
        }
        assertEquals(ByteBufUtil.hexDump(stream, offset, stream.length - offset), rebuilt.toString());
        assertEquals("Q", ((String) out.get(4)).substring(0, 1));
        assertEquals("X", ((String) out.get(17)).substring(0, 1));
    }

    @Test
    void everySplitPoint_givesTheSameMessages() {
        byte[] stream = clientSession();
        List<Object> expected = decodeWhole(stream);
        for (int split = 1; split < stream.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
            List<Object> out = new ArrayList<>();
            // The SSLRequest must come alone (nothing may follow it in one read), as a real client waits for 'S'/'N'.
            int ssl = 8;
            if (split < ssl) {
                ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
                ch.writeInbound(Unpooled.wrappedBuffer(stream, split, ssl - split));
                out.addAll(drain(ch));
                ch.writeInbound(Unpooled.wrappedBuffer(stream, ssl, stream.length - ssl));
            } else {
                ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, ssl));
                out.addAll(drain(ch));
                if (split > ssl) {
                    ch.writeInbound(Unpooled.wrappedBuffer(stream, ssl, split - ssl));
                }
                ch.writeInbound(Unpooled.wrappedBuffer(stream, split, stream.length - split));
            }
            out.addAll(drain(ch));
            assertEquals(expected, out, "split at byte " + split);
            assertFalse(ch.finish());
        }
    }

    @Test
    void oneByteAtATime_givesTheSameMessages() {
        byte[] stream = clientSession();
        List<Object> expected = decodeWhole(stream);
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, i, 1));
            out.addAll(drain(ch));
        }
        assertEquals(PgFrontendDecoder.State.MESSAGES, ch.pipeline().get(PgFrontendDecoder.class).state());
        assertEquals(expected, out);
        assertFalse(ch.finish());
    }

    @Test
    void startupByHand_parametersAndDefaults() {
        List<Object> out = decodeWhole(handStartup(196608, "user", "alice", "options", "-c tenantroute.tenant=acme"));
        PgStartupPacket.StartupMessage s = (PgStartupPacket.StartupMessage) out.get(0);
        assertEquals("alice", s.database(), "database defaults to the user name");
        assertEquals("-c tenantroute.tenant=acme", s.parameter("options"));
        assertEquals(3, s.majorVersion());
        assertEquals(0, s.minorVersion());
    }

    @Test
    void protocol32_isAcceptedAndNeedsNegotiation() {
        List<Object> out = decodeWhole(handStartup(PgStartupPacket.PROTOCOL_3_2, "user", "u", "_pq_.test", "x"));
        PgStartupPacket.StartupMessage s = (PgStartupPacket.StartupMessage) out.get(0);
        assertEquals(2, s.minorVersion());
        assertTrue(s.needsNegotiation());
        assertEquals(List.of("_pq_.test"), s.protocolOptions());
    }

    @Test
    void gssEncAndCancelRequests() {
        List<Object> out = decodeWhole(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x30});
        assertEquals(List.of(PgStartupPacket.GssEncRequest.INSTANCE), out);

        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        byte[] cancel = bytes(PgFrontendMessages.cancelRequest(A, 4711, -12345));
        assertEquals("0000001004d2162e00001267ffffcfc7", ByteBufUtil.hexDump(cancel));
        // Bytes after a CancelRequest are not decoded: the connection is for the cancel only.
        ch.writeInbound(Unpooled.wrappedBuffer(concat(cancel, startup("app", "db"))));
        assertEquals(new PgStartupPacket.CancelRequest(4711, -12345), ch.readInbound());
        assertNull(ch.readInbound());
        assertEquals(PgFrontendDecoder.State.CANCELLED, ch.pipeline().get(PgFrontendDecoder.class).state());
        assertFalse(ch.finish());
    }

    @Test
    void sslRequestBytesAreTheManualsCode() {
        assertEquals("0000000804d2162f", ByteBufUtil.hexDump(bytes(PgFrontendMessages.sslRequest(A))));
    }

    /** Feeds {@code bad}, expects the exception, then checks that a valid frame after it is not decoded. */
    static PgProtocolException assertFails(PgFrontendDecoder decoder, byte[] before, byte[] bad) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        if (before.length > 0) {
            ch.writeInbound(Unpooled.wrappedBuffer(before));
            drain(ch);
        }
        ByteBuf in = Unpooled.wrappedBuffer(bad);
        PgProtocolException e = assertThrows(PgProtocolException.class, () -> ch.writeInbound(in));
        assertEquals(0, in.refCnt());
        assertEquals(PgFrontendDecoder.State.FAILED, decoder.state());
        assertTrue(drain(ch).isEmpty(), "nothing decoded from the bad input");
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(PgFrontendMessages.query(A, "select 1"))));
        ch.writeInbound(Unpooled.wrappedBuffer(startup("app", "db")));
        assertNull(ch.readInbound(), "nothing decoded after a protocol violation");
        assertFalse(ch.finish());
        return e;
    }

    @Test
    void startupLengthBelow8OrAboveLimit_fails08P01() {
        assertEquals("08P01", assertFails(new PgFrontendDecoder(), new byte[0], new byte[] {0, 0, 0, 3, 0, 3, 0, 0}).sqlState());
        assertEquals("08P01", assertFails(new PgFrontendDecoder(), new byte[0], new byte[] {0, 0, 0x27, 0x11}).sqlState());
        // A negative length (high bit set) too; e.g. a TLS ClientHello sent without SSLRequest starts 0x16 0x03.
        assertEquals("08P01", assertFails(new PgFrontendDecoder(), new byte[0], new byte[] {(byte) 0x80, 0, 0, 0}).sqlState());
        assertEquals("08P01", assertFails(new PgFrontendDecoder(), new byte[0], new byte[] {0x16, 0x03, 0x01, 0x02}).sqlState());
    }

    @Test
    void typedLengthBelow4OrAboveMax_fails08P01() {
        byte[] start = startup("app", "db");
        PgProtocolException e = assertFails(new PgFrontendDecoder(), start, new byte[] {'Q', 0, 0, 0, 3});
        assertEquals("08P01", e.sqlState());
        assertTrue(e.getMessage().contains("invalid message length 3"), e.getMessage());
        e = assertFails(new PgFrontendDecoder(1024), start, new byte[] {'Q', 0, 0, 4, 1});
        assertTrue(e.getMessage().contains("1025"), e.getMessage());
        // The default maximum: 64 MiB.
        e = assertFails(new PgFrontendDecoder(), start, new byte[] {'Q', 0x04, 0, 0, 1});
        assertTrue(e.getMessage().contains("67108865"), e.getMessage());
        // Exactly the maximum is fine (the frame is awaited, no error).
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder(1024));
        ch.writeInbound(Unpooled.wrappedBuffer(start), Unpooled.wrappedBuffer(new byte[] {'Q', 0, 0, 4, 0}));
        drain(ch);
        assertFalse(ch.finish());
    }

    @Test
    void unknownType_fails08P01() {
        PgProtocolException e = assertFails(new PgFrontendDecoder(), startup("app", "db"), new byte[] {'z', 0, 0, 0, 4});
        assertTrue(e.getMessage().contains("invalid frontend message type 'z'"), e.getMessage());
    }

    @Test
    void unsupportedProtocolVersion_fails0A000() {
        PgProtocolException e = assertFails(new PgFrontendDecoder(), new byte[0], handStartup(131072, "user", "u"));
        assertEquals("0A000", e.sqlState());
        assertTrue(e.getMessage().contains("unsupported frontend protocol 2.0"), e.getMessage());
    }

    @Test
    void startupWithoutUser_fails28000() {
        assertEquals("28000", assertFails(new PgFrontendDecoder(), new byte[0], handStartup(196608, "database", "d")).sqlState());
    }

    @Test
    void malformedStartupLayouts_fail08P01() {
        // No final terminator: the last value ends the packet.
        byte[] noTerminator = bytes(Unpooled.buffer().writeInt(8 + 7).writeInt(196608).writeBytes("user\0u\0".getBytes(StandardCharsets.UTF_8)));
        assertEquals("08P01", assertFails(new PgFrontendDecoder(), new byte[0], noTerminator).sqlState());
        // A name without a value.
        byte[] noValue = bytes(Unpooled.buffer().writeInt(8 + 6).writeInt(196608).writeBytes("user\0\0".getBytes(StandardCharsets.UTF_8)));
        assertFails(new PgFrontendDecoder(), new byte[0], noValue);
        // An early terminator with more bytes after it.
        byte[] early = bytes(Unpooled.buffer().writeInt(8 + 10).writeInt(196608).writeBytes("user\0u\0\0x\0\0".getBytes(StandardCharsets.UTF_8)));
        assertFails(new PgFrontendDecoder(), new byte[0], early);
        // Only the version, no parameters at all.
        assertFails(new PgFrontendDecoder(), new byte[0], new byte[] {0, 0, 0, 8, 0, 3, 0, 0});
    }

    @Test
    void bytesBehindSslRequest_failAsUnencryptedData() {
        byte[] ssl = bytes(PgFrontendMessages.sslRequest(A));
        PgProtocolException e = assertFails(new PgFrontendDecoder(), new byte[0], concat(ssl, startup("app", "db")));
        assertTrue(e.getMessage().contains("received unencrypted data after SSL request"), e.getMessage());
    }

    @Test
    void sslRequestTwice_fails() {
        byte[] ssl = bytes(PgFrontendMessages.sslRequest(A));
        assertFails(new PgFrontendDecoder(), ssl, ssl);
    }

    @Test
    void typedMessageAcrossReads_retainsOnlyItsFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrontendDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(startup("app", "db")));
        drain(ch);
        byte[] q = bytes(PgFrontendMessages.query(A, "select 42"));
        ByteBuf first = Unpooled.copiedBuffer(q, 0, 3);
        ByteBuf second = Unpooled.copiedBuffer(q, 3, q.length - 3);
        ch.writeInbound(first);
        assertNull(ch.readInbound());
        ch.writeInbound(second);
        PgMessage m = ch.readInbound();
        assertEquals("select 42", PgFrontendMessages.query(m));
        assertArrayEquals(q, ByteBufUtil.getBytes(m.frame()));
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
        ReferenceCountUtil.release(m);
        assertFalse(ch.finish());
    }
}
