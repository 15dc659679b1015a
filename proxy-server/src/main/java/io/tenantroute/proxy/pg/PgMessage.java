package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One typed message of the PostgreSQL protocol 3.0 (the PostgreSQL manual, "Frontend/Backend Protocol",
 * "Message Formats"): {@code Byte1} type, {@code Int32} length counting itself but not the type, then the body.
 *
 * <p>{@link #frame()} is the <em>whole</em> frame, 5-byte header included, from its reader index to its writer
 * index, so that a message can be forwarded unchanged with zero copies: {@code peer.write(msg.frame())} hands the
 * frame's reference to the peer channel (do not release it afterwards).
 *
 * <p><b>Ownership.</b> A decoder ({@link PgFrontendDecoder}, {@link PgBackendDecoder}) emits each message holding
 * one reference (a retained slice of its read buffer). Whoever receives it in {@code channelRead} owns that
 * reference and must either release it ({@link #release()}) or pass it on (forward the frame, or fire the message
 * further). Readers ({@link PgFrontendMessages}, {@link PgBackendMessages}) never change the frame's indexes or
 * reference count; the slices they return are views, valid only while the message is. A held message pins its whole
 * socket read buffer: a message kept beyond the current read (a remembered Parse) should be copied
 * ({@link #copy()}) and the original released.
 *
 * <p>Not thread-safe; use it on the event loop that decoded it. {@link #toString()} prints the type and length only,
 * never the body (a PasswordMessage is a message too).
 */
public final class PgMessage extends DefaultByteBufHolder {
    /** Bytes of the header: {@code Byte1} type and {@code Int32} length. */
    public static final int HEADER_LENGTH = 5;

    private final byte type;

    /**
     * Wraps a complete frame, taking over the caller's reference to it.
     *
     * @param frame the whole frame: type byte, length, body; exactly {@code 1 + length} readable bytes
     * @throws PgProtocolException (08P01) when the frame is shorter than 5 bytes or its length field does not
     *     match its readable bytes; the frame is released in that case
     */
    public PgMessage(ByteBuf frame) {
        super(frame);
        int readable = frame.readableBytes();
        if (readable < HEADER_LENGTH || frame.getInt(frame.readerIndex() + 1) != readable - 1) {
            frame.release();
            throw PgProtocolException.violation("message frame of " + readable + " bytes does not match its length field");
        }
        this.type = frame.getByte(frame.readerIndex());
    }

    private PgMessage(byte type, ByteBuf frame) {
        super(frame);
        this.type = type;
    }

    /** @return the message type byte, e.g. {@code 'Q'}; compare with the constants of {@link PgFrontendMessages} / {@link PgBackendMessages} */
    public byte type() {
        return type;
    }

    /** @return the whole frame (header included), not retained: the same as {@link #content()} */
    public ByteBuf frame() {
        return content();
    }

    /** @return the length field: body length plus 4 */
    public int length() {
        return content().readableBytes() - 1;
    }

    /** @return the number of body bytes (after the 5-byte header) */
    public int bodyLength() {
        return content().readableBytes() - HEADER_LENGTH;
    }

    /** @return the absolute index in {@link #frame()} of the first body byte */
    public int bodyIndex() {
        return content().readerIndex() + HEADER_LENGTH;
    }

    /** @return a view of the body, not retained, valid while this message is */
    public ByteBuf body() {
        return content().slice(bodyIndex(), bodyLength());
    }

    @Override
    public PgMessage replace(ByteBuf content) {
        return new PgMessage(type, content);
    }

    @Override
    public PgMessage copy() {
        return (PgMessage) super.copy();
    }

    @Override
    public PgMessage duplicate() {
        return (PgMessage) super.duplicate();
    }

    @Override
    public PgMessage retainedDuplicate() {
        return (PgMessage) super.retainedDuplicate();
    }

    @Override
    public PgMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public PgMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public PgMessage touch() {
        super.touch();
        return this;
    }

    @Override
    public PgMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    /** @return a printable name of the type byte: the character, or its code when not printable */
    static String typeName(byte type) {
        return type >= 0x20 && type < 0x7f ? "'" + (char) type + "'" : "0x" + Integer.toHexString(type & 0xff);
    }

    @Override
    public String toString() {
        return "PgMessage(" + typeName(type) + ", " + content().readableBytes() + " bytes)";
    }
}
