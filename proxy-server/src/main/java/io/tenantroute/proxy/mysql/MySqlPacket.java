package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One logical packet of the MySQL Client/Server Protocol (MySQL Source Code Documentation, "MySQL Packets"):
 * its sequence id and its whole payload. A payload of 16 MiB - 1 bytes or more travels as several frames
 * ("Sending More Than 16Mb"); this type always holds the reassembled payload and the sequence id of the first
 * frame — {@link #frameCount()} says how many sequence ids it uses on the wire.
 *
 * <p><b>Ownership.</b> A packet owns one reference to its payload ({@link #content()}, {@link #payload()}):
 * whoever receives it from {@link MySqlPacketDecoder} must either write it on (the {@link MySqlPacketEncoder}
 * releases it) or {@link #release()} it. Packets from the decoder hold a retained <em>slice</em> of the
 * decoder's read buffer, not a copy: forwarding one to another channel costs no copy, but keeping one for long
 * (a cached statement text) keeps the whole read buffer alive — copy what you keep ({@link #copy()}).
 * Not thread-safe; use it on the channel's event loop.
 */
public final class MySqlPacket extends DefaultByteBufHolder {
    /** The largest payload of one frame, 2^24 - 1; a frame of this size is continued by the next one. */
    public static final int MAX_FRAME_PAYLOAD = 0xFFFFFF;

    private final int sequenceId;

    /**
     * @param sequenceId the sequence id of the (first) frame, 0–255
     * @param payload the payload; this packet takes over the caller's reference
     * @throws IllegalArgumentException when {@code sequenceId} is outside 0–255
     */
    public MySqlPacket(int sequenceId, ByteBuf payload) {
        super(payload);
        if (sequenceId < 0 || sequenceId > 255) {
            throw new IllegalArgumentException("sequenceId must be 0–255, was " + sequenceId);
        }
        this.sequenceId = sequenceId;
    }

    /** @return the sequence id of the first frame, 0–255 */
    public int sequenceId() {
        return sequenceId;
    }

    /** @return the payload (same as {@link #content()}); not retained for the caller */
    public ByteBuf payload() {
        return content();
    }

    /** @return the payload's first byte (the packet's "header": 0x00 OK, 0xFF ERR, 0xFE EOF …), or -1 when empty */
    public int firstByte() {
        ByteBuf p = content();
        return p.isReadable() ? p.getUnsignedByte(p.readerIndex()) : -1;
    }

    /** @return how many frames (and so sequence ids) this payload takes on the wire: length / (2^24 - 1) + 1 */
    public int frameCount() {
        return content().readableBytes() / MAX_FRAME_PAYLOAD + 1;
    }

    /** @return the sequence id the packet after this one carries, modulo 256 */
    public int nextSequenceId() {
        return (sequenceId + frameCount()) & 0xFF;
    }

    /**
     * Returns a packet with the same payload and another sequence id. The payload reference <em>moves</em> to
     * the result: release (or write) the result, not this packet.
     *
     * @param newSequenceId 0–255
     * @return the re-sequenced packet
     */
    public MySqlPacket resequence(int newSequenceId) {
        return new MySqlPacket(newSequenceId, content());
    }

    @Override
    public MySqlPacket replace(ByteBuf content) {
        return new MySqlPacket(sequenceId, content);
    }

    @Override
    public MySqlPacket copy() {
        return (MySqlPacket) super.copy();
    }

    @Override
    public MySqlPacket retainedDuplicate() {
        return (MySqlPacket) super.retainedDuplicate();
    }

    @Override
    public MySqlPacket retain() {
        super.retain();
        return this;
    }

    @Override
    public MySqlPacket touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "MySqlPacket(seq=" + sequenceId + ", " + content().readableBytes() + " bytes)";
    }
}
