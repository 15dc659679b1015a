package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link MySqlPacket}s as frames (MySQL Source Code Documentation, "MySQL Packets" and "Sending More Than
 * 16Mb"): 3-byte little-endian length, sequence id, payload; a payload of 2^24 - 1 bytes or more is split into
 * frames of 2^24 - 1 bytes with consecutive sequence ids, and a payload that is an exact multiple of it ends
 * with an empty frame. Small payloads (up to {@value #COPY_THRESHOLD_BYTES} bytes) are copied behind their header
 * into one buffer; larger ones are written as a header buffer followed by retained slices of the payload, so
 * forwarded result-set rows are never copied. {@link ByteBuf}s written to the pipeline pass through unchanged
 * (already framed bytes). The packet's payload reference is released once written.
 * Stateless and {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class MySqlPacketEncoder extends MessageToMessageEncoder<MySqlPacket> {
    /** Payloads up to this size are copied next to their header rather than written as a second buffer. */
    public static final int COPY_THRESHOLD_BYTES = 512;

    /** The shared instance. */
    public static final MySqlPacketEncoder INSTANCE = new MySqlPacketEncoder();

    private MySqlPacketEncoder() {
        super(MySqlPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MySqlPacket msg, List<Object> out) {
        ByteBuf payload = msg.payload();
        int length = payload.readableBytes();
        int seq = msg.sequenceId();
        if (length <= COPY_THRESHOLD_BYTES) {
            ByteBuf buf = ctx.alloc().ioBuffer(4 + length);
            buf.writeMediumLE(length).writeByte(seq).writeBytes(payload, payload.readerIndex(), length);
            out.add(buf);
            return;
        }
        int offset = payload.readerIndex();
        int remaining = length;
        while (true) {
            int chunk = Math.min(remaining, MySqlPacket.MAX_FRAME_PAYLOAD);
            ByteBuf header = ctx.alloc().ioBuffer(4);
            header.writeMediumLE(chunk).writeByte(seq);
            out.add(header);
            if (chunk > 0) {
                out.add(payload.retainedSlice(offset, chunk));
            }
            offset += chunk;
            remaining -= chunk;
            seq = (seq + 1) & 0xFF;
            if (chunk < MySqlPacket.MAX_FRAME_PAYLOAD) {
                return;
            }
        }
    }

    /**
     * Frames one payload into a new buffer without a pipeline (for tests and for building a frame to forward
     * as raw bytes). Does not release {@code payload}.
     *
     * @param alloc where the frame's buffer comes from
     * @param sequenceId the first frame's sequence id, 0–255
     * @param payload the payload; its readable bytes are copied
     * @return the framed bytes; the caller owns them
     */
    public static ByteBuf frame(io.netty.buffer.ByteBufAllocator alloc, int sequenceId, ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuf buf = alloc.buffer(length + 4 * (length / MySqlPacket.MAX_FRAME_PAYLOAD + 1));
        int offset = payload.readerIndex();
        int remaining = length;
        int seq = sequenceId;
        while (true) {
            int chunk = Math.min(remaining, MySqlPacket.MAX_FRAME_PAYLOAD);
            buf.writeMediumLE(chunk).writeByte(seq).writeBytes(payload, offset, chunk);
            offset += chunk;
            remaining -= chunk;
            seq = (seq + 1) & 0xFF;
            if (chunk < MySqlPacket.MAX_FRAME_PAYLOAD) {
                return buf;
            }
        }
    }
}
