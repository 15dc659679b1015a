package io.tenantroute.proxy.pg;

import static io.tenantroute.proxy.pg.PgFrontendDecoderTest.bytes;
import static io.tenantroute.proxy.pg.PgFrontendDecoderTest.concat;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PgBackendDecoderTest {
    private static final ByteBufAllocator A = ByteBufAllocator.DEFAULT;

    @AfterAll
    static void noLeaks() {
        Leaks.assertNone();
    }

    /** What a server sends from AuthenticationOk to the end of a simple query, plus notices and an error. */
    static byte[] serverSession() {
        ByteBuf rowDescription = PgWire.begin(A, PgBackendMessages.ROW_DESCRIPTION, 32);
        rowDescription.writeShort(1);
        rowDescription.writeBytes("?column?\0".getBytes(StandardCharsets.UTF_8));
        rowDescription.writeInt(0).writeShort(0).writeInt(23).writeShort(4).writeInt(-1).writeShort(0);
        ByteBuf dataRow = PgWire.begin(A, PgBackendMessages.DATA_ROW, 8);
        dataRow.writeShort(1).writeInt(1).writeByte('1');
        return concat(
                bytes(PgBackendMessages.authenticationOk(A)),
                bytes(PgBackendMessages.parameterStatus(A, "server_version", "15.20")),
                bytes(PgBackendMessages.backendKeyData(A, 1234, 5678)),
                bytes(PgBackendMessages.readyForQuery(A, PgTransactionStatus.IDLE)),
                bytes(PgWire.finish(rowDescription)),
                bytes(PgWire.finish(dataRow)),
                bytes(PgBackendMessages.commandComplete(A, "SELECT 1")),
                bytes(PgBackendMessages.noticeResponse(A, Severity.WARNING, "01000", "careful", null, null)),
                bytes(PgBackendMessages.errorResponse(A, Severity.ERROR, "42P01", "relation \"x\" does not exist", "d", "h")),
                bytes(PgBackendMessages.parseComplete(A)),
                bytes(PgBackendMessages.bindComplete(A)),
                bytes(PgBackendMessages.closeComplete(A)),
                bytes(PgBackendMessages.noData(A)),
                bytes(PgBackendMessages.emptyQueryResponse(A)),
                new byte[] {'s', 0, 0, 0, 4},
                bytes(PgBackendMessages.readyForQuery(A, PgTransactionStatus.FAILED)));
    }

    static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof PgMessage) {
                PgMessage m = (PgMessage) o;
                out.add(ByteBufUtil.hexDump(m.frame()));
                m.release();
            } else {
                out.add(o.toString());
            }
        }
        return out;
    }

    @Test
    void everySplitPoint_givesTheSameMessages() {
        byte[] stream = serverSession();
        EmbeddedChannel whole = new EmbeddedChannel(new PgBackendDecoder());
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        whole.writeInbound(in);
        List<String> expected = drain(whole);
        assertEquals(0, in.refCnt());
        assertFalse(whole.finish());
        assertEquals(16, expected.size());
        assertEquals(ByteBufUtil.hexDump(stream), String.join("", expected), "frames come out as sent");
        for (int split = 1; split < stream.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new PgBackendDecoder());
            ByteBuf a = Unpooled.copiedBuffer(stream, 0, split);
            ByteBuf b = Unpooled.copiedBuffer(stream, split, stream.length - split);
            ch.writeInbound(a);
            List<String> out = drain(ch);
            ch.writeInbound(b);
            out.addAll(drain(ch));
            assertEquals(expected, out, "split at " + split);
            assertEquals(0, a.refCnt());
            assertEquals(0, b.refCnt());
            assertFalse(ch.finish());
        }
    }

    @Test
    void sslResponses() {
        PgBackendDecoder d = new PgBackendDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expectSslResponse();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'N'}));
        assertEquals(PgBackendDecoder.SslResponse.REFUSED, ch.readInbound());
        assertEquals(PgBackendDecoder.State.MESSAGES, d.state());
        d.expectSslResponse();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'S'}));
        assertEquals(PgBackendDecoder.SslResponse.ACCEPTED, ch.readInbound());
        // An ErrorResponse instead of an answer is decoded as a message.
        d.expectSslResponse();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(PgBackendMessages.errorResponse(A, Severity.FATAL, "08P01", "no"))));
        PgMessage e = ch.readInbound();
        assertEquals("08P01", PgBackendMessages.notice(e).sqlState());
        e.release();
        assertFalse(ch.finish());
    }

    @Test
    void bytesBehindSslAccept_failAsUnencryptedData() {
        PgBackendDecoder d = new PgBackendDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expectSslResponse();
        byte[] bad = concat(new byte[] {'S'}, bytes(PgBackendMessages.authenticationOk(A)));
        PgProtocolException ex = assertThrows(PgProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bad)));
        assertTrue(ex.getMessage().contains("unencrypted data after SSL response"));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void invalidSslResponse_fails() {
        PgBackendDecoder d = new PgBackendDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expectSslResponse();
        assertThrows(PgProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'X'})));
        assertEquals(PgBackendDecoder.State.FAILED, d.state());
        assertFalse(ch.finish());
    }

    @Test
    void lengthBelow4OrAboveMax_failsAndNothingFurtherIsDecoded() {
        for (byte[] bad : List.of(new byte[] {'Z', 0, 0, 0, 3}, new byte[] {'D', 0, 0, 0x10, 0x01}, new byte[] {'D', (byte) 0xff, 0, 0, 0})) {
            PgBackendDecoder d = new PgBackendDecoder(4096);
            EmbeddedChannel ch = new EmbeddedChannel(d);
            ch.writeInbound(Unpooled.wrappedBuffer(bytes(PgBackendMessages.authenticationOk(A))));
            assertEquals(1, drain(ch).size());
            ByteBuf in = Unpooled.wrappedBuffer(concat(bad, bytes(PgBackendMessages.authenticationOk(A))));
            PgProtocolException e = assertThrows(PgProtocolException.class, () -> ch.writeInbound(in));
            assertEquals("08P01", e.sqlState());
            assertEquals(0, in.refCnt());
            assertTrue(drain(ch).isEmpty());
            ch.writeInbound(Unpooled.wrappedBuffer(bytes(PgBackendMessages.authenticationOk(A))));
            assertNull(ch.readInbound(), "nothing decoded after the violation");
            assertEquals(PgBackendDecoder.State.FAILED, d.state());
            assertFalse(ch.finish());
        }
    }

    @Test
    void unknownTypes_areForwarded() {
        EmbeddedChannel ch = new EmbeddedChannel(new PgBackendDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'?', 0, 0, 0, 5, 7}));
        PgMessage m = ch.readInbound();
        assertEquals('?', m.type());
        assertEquals(1, m.bodyLength());
        m.release();
        assertFalse(ch.finish());
    }
}
