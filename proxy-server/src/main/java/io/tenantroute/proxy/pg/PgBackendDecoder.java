package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the bytes a PostgreSQL server sends to the proxy (protocol 3.0, the PostgreSQL manual,
 * "Frontend/Backend Protocol": "Message Flow" → "SSL Session Encryption", "Message Formats").
 *
 * <p>In state {@link State#SSL_RESPONSE} (entered with {@link #expectSslResponse()} before an SSLRequest is
 * written) it reads the one-byte answer and emits {@link SslResponse#ACCEPTED} ({@code 'S'}) or
 * {@link SslResponse#REFUSED} ({@code 'N'}); an {@code 'E'} there is decoded as the ErrorResponse it starts. Bytes
 * already buffered behind an {@code 'S'} are refused (as libpq does since CVE-2021-23222): they were not
 * encrypted, yet would be read as if they came through TLS. Then, in state {@link State#MESSAGES}, every typed
 * message ({@code Byte1} type, {@code Int32} length) is emitted as a {@link PgMessage} holding a retained slice of
 * its whole frame. Message types are not checked: a server may send types this proxy forwards without knowing them.
 *
 * <p><b>Errors.</b> A length below 4 or above the maximum, or another answer to SSLRequest: a
 * {@link PgProtocolException} (08P01) to {@code exceptionCaught}, state {@link State#FAILED}, every further byte
 * discarded. The server connection is then unusable and must be closed.
 *
 * <p><b>Ownership.</b> Each emitted {@link PgMessage} holds one reference the next handler must release or pass on.
 * One instance per channel; not sharable; event loop only.
 */
public final class PgBackendDecoder extends ByteToMessageDecoder {
    /** The server's answer to SSLRequest. */
    public enum SslResponse {
        /** {@code 'S'}: the server will do TLS; start the handshake now. */
        ACCEPTED,
        /** {@code 'N'}: the server does not do TLS here; continue in clear text or give up. */
        REFUSED
    }

    /** Where the decoder is. */
    public enum State {
        /** Waiting for the one-byte answer to SSLRequest. */
        SSL_RESPONSE,
        /** Typed messages. */
        MESSAGES,
        /** After a protocol violation: every further byte is discarded. */
        FAILED
    }

    private final int maxMessageLength;
    private State state = State.MESSAGES;

    /** A decoder in state {@link State#MESSAGES} with the default maximum message length (64 MiB). */
    public PgBackendDecoder() {
        this(PgFrontendDecoder.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /**
     * @param maxMessageLength the largest length field admitted, in bytes (at least 4); a DataRow longer than this
     *     fails the connection
     * @throws IllegalArgumentException when {@code maxMessageLength < 4}
     */
    public PgBackendDecoder(int maxMessageLength) {
        if (maxMessageLength < 4) {
            throw new IllegalArgumentException("maxMessageLength must be ≥ 4 bytes, was " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Makes the next byte read the answer to an SSLRequest. Call it before writing the SSLRequest, on the event loop.
     *
     * @throws IllegalStateException when the decoder failed already
     */
    public void expectSslResponse() {
        if (state == State.FAILED) {
            throw new IllegalStateException("decoder failed already");
        }
        state = State.SSL_RESPONSE;
    }

    /** @return the current state; event loop only */
    public State state() {
        return state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case SSL_RESPONSE:
                decodeSslResponse(in, out);
                break;
            case MESSAGES:
                decodeMessage(in, out);
                break;
            default:
                in.skipBytes(in.readableBytes());
                break;
        }
    }

    private PgProtocolException fail(ByteBuf in, String message) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        return PgProtocolException.violation(message);
    }

    private void decodeSslResponse(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        byte b = in.getByte(in.readerIndex());
        switch (b) {
            case 'S':
                in.skipBytes(1);
                state = State.MESSAGES;
                if (in.isReadable()) {
                    throw fail(in, "received unencrypted data after SSL response");
                }
                out.add(SslResponse.ACCEPTED);
                break;
            case 'N':
                in.skipBytes(1);
                state = State.MESSAGES;
                out.add(SslResponse.REFUSED);
                break;
            case 'E':
                state = State.MESSAGES; // an ErrorResponse instead of an answer: decode it as one
                decodeMessage(in, out);
                break;
            default:
                throw fail(in, "received invalid response to SSL negotiation: " + PgMessage.typeName(b));
        }
    }

    private void decodeMessage(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < PgMessage.HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 1);
        if (length < 4 || length > maxMessageLength) {
            throw fail(in, "invalid message length " + length + " for message type " + PgMessage.typeName(in.getByte(start))
                    + " (must be 4 to " + maxMessageLength + " bytes)");
        }
        if (in.readableBytes() - 1 < length) {
            return;
        }
        ByteBuf frame = in.retainedSlice(start, length + 1);
        in.skipBytes(length + 1);
        out.add(new PgMessage(frame));
    }
}
