package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MySqlPacketCodecTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    private EmbeddedChannel decoderChannel(int max) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new MySqlPacketDecoder(max));
        return ch;
    }

    private static byte[] frame(int seq, byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        f[0] = (byte) payload.length;
        f[1] = (byte) (payload.length >> 8);
        f[2] = (byte) (payload.length >> 16);
        f[3] = (byte) seq;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private ByteBuf buf(byte[] b, int from, int to) {
        return alloc.buffer(to - from).writeBytes(b, from, to - from);
    }

    /** Reads all packets out as (seq, bytes) and releases them. */
    private static List<Object[]> drain(EmbeddedChannel ch) {
        List<Object[]> out = new ArrayList<>();
        MySqlPacket p;
        while ((p = ch.readInbound()) != null) {
            out.add(new Object[] {p.sequenceId(), ByteBufUtil.getBytes(p.payload())});
            assertTrue(p.release() || p.refCnt() > 0); // a slice: the read buffer is freed with its last slice
        }
        return out;
    }

    @Test
    void packetsSplitAtEveryByte_decodeTheSame() {
        byte[] p1 = "\u0003select 1".getBytes();
        byte[] p2 = new byte[0];
        byte[] p3 = new byte[300];
        new Random(7).nextBytes(p3);
        byte[] stream = concat(frame(0, p1), frame(1, p2), frame(2, p3));
        for (int split = 0; split <= stream.length; split++) {
            EmbeddedChannel ch = decoderChannel(1 << 20);
            ch.writeInbound(buf(stream, 0, split));
            ch.writeInbound(buf(stream, split, stream.length));
            List<Object[]> got = drain(ch);
            assertEquals(3, got.size(), "split at " + split);
            assertEquals(0, got.get(0)[0]);
            assertArrayEquals(p1, (byte[]) got.get(0)[1]);
            assertEquals(1, got.get(1)[0]);
            assertArrayEquals(p2, (byte[]) got.get(1)[1]);
            assertEquals(2, got.get(2)[0]);
            assertArrayEquals(p3, (byte[]) got.get(2)[1]);
            assertFalse(ch.finish());
        }
        // one byte at a time
        EmbeddedChannel ch = decoderChannel(1 << 20);
        for (int i = 0; i < stream.length; i++) {
            ch.writeInbound(buf(stream, i, i + 1));
        }
        assertEquals(3, drain(ch).size());
        assertFalse(ch.finish());
    }

    @Test
    void continuationFrames_reassembleIntoOnePacket_andTheEncoderSplitsThemAgain() {
        for (int length : new int[] {MySqlPacket.MAX_FRAME_PAYLOAD - 1, MySqlPacket.MAX_FRAME_PAYLOAD,
                MySqlPacket.MAX_FRAME_PAYLOAD + 10, 2 * MySqlPacket.MAX_FRAME_PAYLOAD}) {
            byte[] payload = new byte[length];
            new Random(length).nextBytes(payload);
            // encode with the encoder (the wire form), check the frame layout, decode in uneven chunks
            EmbeddedChannel enc = new EmbeddedChannel(MySqlPacketEncoder.INSTANCE);
            enc.config().setAllocator(alloc);
            ByteBuf in = alloc.buffer(length).writeBytes(payload);
            MySqlPacket packet = new MySqlPacket(254, in);
            int frames = packet.frameCount();
            assertEquals(length / MySqlPacket.MAX_FRAME_PAYLOAD + 1, frames);
            assertTrue(enc.writeOutbound(packet));
            ByteBuf wire = alloc.buffer();
            ByteBuf part;
            while ((part = enc.readOutbound()) != null) {
                wire.writeBytes(part);
                part.release();
            }
            assertFalse(enc.finish());
            assertEquals(length + 4 * frames, wire.readableBytes());
            // frame headers: full frames with consecutive sequence ids wrapping 255 → 0, then a short one
            int off = 0;
            for (int f = 0; f < frames; f++) {
                int len = wire.getUnsignedMediumLE(off);
                assertEquals((254 + f) & 0xFF, wire.getUnsignedByte(off + 3));
                assertEquals(f < frames - 1 ? MySqlPacket.MAX_FRAME_PAYLOAD : length % MySqlPacket.MAX_FRAME_PAYLOAD, len);
                off += 4 + len;
            }
            EmbeddedChannel dec = decoderChannel(MySqlPacketDecoder.DEFAULT_MAX_PAYLOAD_BYTES);
            byte[] bytes = ByteBufUtil.getBytes(wire);
            wire.release();
            int pos = 0;
            int step = 7_000_001;
            while (pos < bytes.length) {
                int end = Math.min(bytes.length, pos + step);
                dec.writeInbound(buf(bytes, pos, end));
                pos = end;
            }
            MySqlPacket out = dec.readInbound();
            assertEquals(254, out.sequenceId());
            assertEquals(length, out.payload().readableBytes());
            assertArrayEquals(payload, ByteBufUtil.getBytes(out.payload()));
            assertEquals((254 + frames) & 0xFF, out.nextSequenceId());
            out.release();
            assertNull(dec.readInbound());
            assertFalse(dec.finish());
        }
    }

    @Test
    void sixteenMebibyteRow_isForwardedWithoutCopy() {
        byte[] payload = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(payload);
        EmbeddedChannel dec = decoderChannel(MySqlPacketDecoder.DEFAULT_MAX_PAYLOAD_BYTES);
        ByteBuf source = alloc.buffer(payload.length).writeBytes(payload);
        ByteBuf wire = MySqlPacketEncoder.frame(alloc, 3, source);
        source.release();
        int made = alloc.count();
        dec.writeInbound(wire);
        MySqlPacket p = dec.readInbound();
        // the reassembled payload is a composite of slices of the read buffer: one composite, no copy
        assertEquals(1, alloc.count() - made);
        assertEquals(payload.length, p.payload().readableBytes());
        EmbeddedChannel enc = new EmbeddedChannel(MySqlPacketEncoder.INSTANCE);
        enc.config().setAllocator(alloc);
        enc.writeOutbound(p.resequence(9));
        ByteBuf h1 = enc.readOutbound();
        ByteBuf s1 = enc.readOutbound();
        ByteBuf h2 = enc.readOutbound();
        ByteBuf s2 = enc.readOutbound();
        assertEquals(4, h1.readableBytes());
        assertEquals(9, h1.getUnsignedByte(3));
        assertEquals(MySqlPacket.MAX_FRAME_PAYLOAD, s1.readableBytes());
        assertEquals(10, h2.getUnsignedByte(3));
        assertEquals(payload.length - MySqlPacket.MAX_FRAME_PAYLOAD, s2.readableBytes());
        assertEquals(payload[payload.length - 1], s2.getByte(s2.readerIndex() + s2.readableBytes() - 1));
        for (ByteBuf b : new ByteBuf[] {h1, s1, h2, s2}) {
            b.release();
        }
        assertNull(enc.readOutbound());
        assertFalse(enc.finish());
        assertFalse(dec.finish());
    }

    @Test
    void oversizedLength_failsFromTheHeader_thenDiscardsEverything() {
        EmbeddedChannel ch = decoderChannel(1000);
        byte[] header = {(byte) 0xE9, 0x03, 0x00, 0x00}; // 1001 bytes declared
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(buf(header, 0, 4)));
        MySqlProtocolException pe = assertInstanceOf(MySqlProtocolException.class, e);
        assertEquals(MySqlProtocolException.ER_NET_PACKET_TOO_LARGE, pe.errorCode());
        assertEquals("08S01", pe.sqlState());
        assertEquals(MySqlPacketDecoder.State.FAILED, ch.pipeline().get(MySqlPacketDecoder.class).state());
        byte[] more = frame(1, "\u0003select 1".getBytes());
        ch.writeInbound(buf(more, 0, more.length));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void continuationAboveTheMaximum_failsAndReleasesThePartialPacket() {
        EmbeddedChannel ch = decoderChannel(MySqlPacket.MAX_FRAME_PAYLOAD + 5);
        byte[] full = new byte[MySqlPacket.MAX_FRAME_PAYLOAD];
        ch.writeInbound(buf(frame(0, full), 0, full.length + 4));
        assertNull(ch.readInbound());
        byte[] next = frame(1, new byte[6]);
        MySqlProtocolException e = assertThrows(MySqlProtocolException.class, () -> ch.writeInbound(buf(next, 0, next.length)));
        assertEquals(MySqlProtocolException.ER_NET_PACKET_TOO_LARGE, e.errorCode());
        assertFalse(ch.finish());
    }

    @Test
    void continuationOutOfSequence_isAProtocolError() {
        EmbeddedChannel ch = decoderChannel(MySqlPacketDecoder.DEFAULT_MAX_PAYLOAD_BYTES);
        byte[] full = new byte[MySqlPacket.MAX_FRAME_PAYLOAD];
        byte[] stream = concat(frame(5, full), frame(7, new byte[3]));
        MySqlProtocolException e = assertThrows(MySqlProtocolException.class,
                () -> ch.writeInbound(buf(stream, 0, stream.length)));
        assertEquals(MySqlProtocolException.ER_NET_PACKETS_OUT_OF_ORDER, e.errorCode());
        assertFalse(ch.finish());
    }

    @Test
    void truncatedPacketAtClose_isDroppedWithoutLeak() {
        EmbeddedChannel ch = decoderChannel(1 << 20);
        byte[] f = frame(0, new byte[100]);
        ch.writeInbound(buf(f, 0, 50));
        byte[] full = new byte[MySqlPacket.MAX_FRAME_PAYLOAD];
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        // and a partial continuation packet at close
        EmbeddedChannel ch2 = decoderChannel(MySqlPacketDecoder.DEFAULT_MAX_PAYLOAD_BYTES);
        ch2.writeInbound(buf(frame(0, full), 0, full.length + 4));
        assertFalse(ch2.finish());
    }

    @Test
    void smallPayloads_areCopiedBehindTheirHeaderInOneBuffer() {
        EmbeddedChannel enc = new EmbeddedChannel(MySqlPacketEncoder.INSTANCE);
        enc.config().setAllocator(alloc);
        enc.writeOutbound(new MySqlPacket(3, alloc.buffer().writeBytes(new byte[] {1, 2, 3})));
        ByteBuf out = enc.readOutbound();
        assertArrayEquals(new byte[] {3, 0, 0, 3, 1, 2, 3}, ByteBufUtil.getBytes(out));
        out.release();
        enc.writeOutbound(new MySqlPacket(0, alloc.buffer()));
        out = enc.readOutbound();
        assertArrayEquals(new byte[] {0, 0, 0, 0}, ByteBufUtil.getBytes(out));
        out.release();
        assertFalse(enc.finish());
    }

    @Test
    void sequenceIdOutsideAByte_isRefused() {
        ByteBuf b = alloc.buffer();
        assertThrows(IllegalArgumentException.class, () -> new MySqlPacket(256, b));
        b.release();
    }
}
