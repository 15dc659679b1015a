package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into {@link MySqlPacket}s (MySQL Source Code Documentation, "MySQL Packets"): every
 * frame is a 3-byte little-endian payload length, a 1-byte sequence id and the payload; a frame whose payload
 * is exactly 2^24 - 1 bytes is continued by the next frame, and the logical packet ends with the first shorter
 * frame (possibly empty) ("Sending More Than 16Mb"). The decoder reassembles continued frames into one packet
 * whose payload is a composite of slices — no byte is copied — and checks that continuation frames carry
 * consecutive sequence ids. The sequence id of a logical packet against the conversation is the session's
 * business, not the decoder's.
 *
 * <p>A logical payload above {@code maxPayloadBytes} (default 64 MiB), a continuation out of sequence, or any
 * later input after such an error: the decoder throws one {@link MySqlProtocolException} (1153 or 1156,
 * SQLSTATE 08S01), moves to {@link State#FAILED} and from then on discards every byte, so the handler that
 * sees the exception can send an ERR packet and close. Oversized lengths are refused from the frame header,
 * before the payload is buffered.
 *
 * <p>One packet per {@code decode} call: the next handler sees each packet before the following bytes are
 * decoded, so a handler that switches the channel to TLS after an SSLRequest can remove this decoder and get the
 * bytes after the request (the TLS ClientHello) back undecoded ({@link ByteToMessageDecoder} fires them on
 * removal).
 *
 * <p>Output: {@link MySqlPacket} holding a retained slice of the read buffer (see its ownership rules).
 * One instance per channel; not sharable; event-loop confined.
 */
public final class MySqlPacketDecoder extends ByteToMessageDecoder {
    /** The default bound of one logical payload: 64 MiB, MySQL's default {@code max_allowed_packet}. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

    private static final int HEADER_BYTES = 4;

    /** Where the decoder stands. */
    public enum State {
        /** Waiting for the first frame of a logical packet. */
        PACKET,
        /** A frame of 2^24 - 1 bytes arrived; waiting for its continuation frames. */
        CONTINUATION,
        /** A protocol error was thrown; every further byte is discarded. */
        FAILED
    }

    private final int maxPayloadBytes;
    private State state = State.PACKET;
    private CompositeByteBuf partial;
    private int partialSequenceId;
    private int expectedSequenceId;

    /** A decoder bounded at {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public MySqlPacketDecoder() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * @param maxPayloadBytes the largest logical payload accepted, in bytes, at least 1
     * @throws IllegalArgumentException when {@code maxPayloadBytes} is below 1
     */
    public MySqlPacketDecoder(int maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be ≥ 1, was " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** @return the largest logical payload accepted, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** @return the decoder's state */
    public State state() {
        return state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            if (state == State.FAILED) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (in.readableBytes() < HEADER_BYTES) {
                return;
            }
            int start = in.readerIndex();
            int length = in.getUnsignedMediumLE(start);
            int sequenceId = in.getUnsignedByte(start + 3);
            long total = (state == State.CONTINUATION ? partial.readableBytes() : 0L) + length;
            if (total > maxPayloadBytes) {
                fail("packet of at least " + total + " bytes is above the maximum of " + maxPayloadBytes + " bytes",
                        MySqlProtocolException.ER_NET_PACKET_TOO_LARGE);
            }
            if (state == State.CONTINUATION && sequenceId != expectedSequenceId) {
                fail("continuation frame has sequence id " + sequenceId + ", expected " + expectedSequenceId,
                        MySqlProtocolException.ER_NET_PACKETS_OUT_OF_ORDER);
            }
            if (in.readableBytes() < HEADER_BYTES + length) {
                return;
            }
            in.skipBytes(HEADER_BYTES);
            ByteBuf frame = in.readRetainedSlice(length);
            if (state == State.PACKET) {
                if (length < MySqlPacket.MAX_FRAME_PAYLOAD) {
                    out.add(new MySqlPacket(sequenceId, frame));
                    return;
                }
                partial = ctx.alloc().compositeBuffer(maxPayloadBytes / MySqlPacket.MAX_FRAME_PAYLOAD + 2);
                partialSequenceId = sequenceId;
                state = State.CONTINUATION;
            }
            partial.addComponent(true, frame);
            expectedSequenceId = (sequenceId + 1) & 0xFF;
            if (length < MySqlPacket.MAX_FRAME_PAYLOAD) {
                CompositeByteBuf whole = partial;
                partial = null;
                state = State.PACKET;
                out.add(new MySqlPacket(partialSequenceId, whole));
                return;
            }
        }
    }

    private void fail(String message, int code) {
        state = State.FAILED;
        releasePartial();
        throw new MySqlProtocolException(code, "08S01", message);
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            releasePartial();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartial();
    }
}
