package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames the bytes a PostgreSQL client sends to the proxy (protocol 3.0, the PostgreSQL manual, "Frontend/Backend
 * Protocol": "Message Flow" → "Start-up", "Message Formats").
 *
 * <p><b>Startup phase</b> (state {@link State#STARTUP}): untyped packets, {@code Int32} length (itself included) and
 * {@code Int32} code, each emitted as a {@link PgStartupPacket}: SSLRequest ({@code 80877103}), GSSENCRequest
 * ({@code 80877104}), CancelRequest ({@code 80877102}, process id, secret key; then nothing more is decoded) and
 * StartupMessage (protocol 3.x: 3.0 = {@code 196608}, 3.2 = {@code 196610} and any other 3.x are admitted; answer a
 * minor version above 0 with NegotiateProtocolVersion 3.0, as PostgreSQL does — {@link PgFrontendAuthHandler} does).
 * A startup packet may be at most {@link #MAX_STARTUP_PACKET_LENGTH} bytes (PostgreSQL's limit) and the
 * configured maximum. After SSLRequest or GSSENCRequest the client must wait for the one-byte answer: bytes already
 * buffered behind the request are refused ("received unencrypted data after SSL request", as PostgreSQL does since
 * CVE-2021-23214), so nothing sent in clear text can be taken for part of the encrypted stream. The answer and,
 * for {@code 'S'}, the {@code SslHandler} placed in front of this decoder are the session's job
 * ({@link PgTls#startServerTls}).
 *
 * <p><b>Message phase</b> (state {@link State#MESSAGES}, once a StartupMessage is decoded): {@code Byte1} type and
 * {@code Int32} length; each frame is emitted as a {@link PgMessage} holding a retained slice of the whole frame,
 * header included, so it can be forwarded unchanged. Only the frontend types of "Message Formats" are admitted.
 *
 * <p><b>Errors.</b> A length below the minimum (4 for typed messages, 8 for startup packets) or above the maximum, an
 * unknown message type or code, a malformed StartupMessage: a {@link PgProtocolException} (SQLSTATE {@code 08P01};
 * {@code 0A000} for an unsupported protocol version; {@code 28000} for a StartupMessage without {@code user}) goes
 * to {@code exceptionCaught}, the decoder enters {@link State#FAILED} and discards every further byte. The session
 * answers with an ErrorResponse FATAL and closes that client.
 *
 * <p><b>Ownership.</b> Emitted {@link PgMessage}s each hold one reference that the next handler must release or pass
 * on; {@link PgStartupPacket}s hold none. One instance per channel; not sharable; used on its event loop only.
 */
public final class PgFrontendDecoder extends ByteToMessageDecoder {
    /** Default maximum length of one message, in bytes: 64 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 64 * 1024 * 1024;
    /** PostgreSQL's limit on a startup packet, in bytes ({@code MAX_STARTUP_PACKET_LENGTH} in its sources). */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;

    /** Where the decoder is. */
    public enum State {
        /** Before the StartupMessage: untyped packets. */
        STARTUP,
        /** After the StartupMessage: typed messages. */
        MESSAGES,
        /** After a CancelRequest: nothing more is decoded (the connection closes). */
        CANCELLED,
        /** After a protocol violation: every further byte is discarded. */
        FAILED
    }

    private final int maxMessageLength;
    private State state = State.STARTUP;
    private boolean sslRequested;
    private boolean gssRequested;

    /** A decoder with the {@link #DEFAULT_MAX_MESSAGE_LENGTH default maximum} message length. */
    public PgFrontendDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /**
     * @param maxMessageLength the largest length field admitted, in bytes (at least 8)
     * @throws IllegalArgumentException when {@code maxMessageLength < 8}
     */
    public PgFrontendDecoder(int maxMessageLength) {
        if (maxMessageLength < 8) {
            throw new IllegalArgumentException("maxMessageLength must be ≥ 8 bytes, was " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
    }

    /** @return the current state; event loop only */
    public State state() {
        return state;
    }

    /** @return the largest length field admitted, in bytes */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case STARTUP:
                decodeStartup(in, out);
                break;
            case MESSAGES:
                decodeMessage(in, out);
                break;
            default:
                in.skipBytes(in.readableBytes());
                break;
        }
    }

    private PgProtocolException fail(ByteBuf in, PgProtocolException e) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        return e;
    }

    private void decodeStartup(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        int max = Math.min(MAX_STARTUP_PACKET_LENGTH, maxMessageLength);
        if (length < 8 || length > max) {
            throw fail(in, PgProtocolException.violation("invalid length of startup packet: " + length
                    + " (must be 8 to " + max + " bytes)"));
        }
        if (in.readableBytes() < length) {
            return;
        }
        int code = in.getInt(start + 4);
        switch (code) {
            case PgStartupPacket.SSL_REQUEST_CODE:
            case PgStartupPacket.GSSENC_REQUEST_CODE: {
                boolean ssl = code == PgStartupPacket.SSL_REQUEST_CODE;
                String name = ssl ? "SSLRequest" : "GSSENCRequest";
                if (length != 8) {
                    throw fail(in, PgProtocolException.violation("invalid length of " + name + ": " + length));
                }
                if (ssl ? sslRequested : gssRequested) {
                    throw fail(in, PgProtocolException.violation(name + " sent twice"));
                }
                in.skipBytes(8);
                if (in.isReadable()) {
                    throw fail(in, PgProtocolException.violation("received unencrypted data after "
                            + (ssl ? "SSL" : "GSSAPI encryption") + " request"));
                }
                if (ssl) {
                    sslRequested = true;
                    out.add(PgStartupPacket.SslRequest.INSTANCE);
                } else {
                    gssRequested = true;
                    out.add(PgStartupPacket.GssEncRequest.INSTANCE);
                }
                return;
            }
            case PgStartupPacket.CANCEL_REQUEST_CODE: {
                if (length != 16) {
                    throw fail(in, PgProtocolException.violation("invalid length of CancelRequest: " + length));
                }
                int pid = in.getInt(start + 8);
                int secret = in.getInt(start + 12);
                in.skipBytes(16);
                state = State.CANCELLED;
                in.skipBytes(in.readableBytes());
                out.add(new PgStartupPacket.CancelRequest(pid, secret));
                return;
            }
            default:
                break;
        }
        int major = code >>> 16;
        int minor = code & 0xffff;
        if (major != 3) {
            throw fail(in, new PgProtocolException("0A000", "unsupported frontend protocol " + major + "." + minor
                    + ": server supports 3.0 to 3.0"));
        }
        PgStartupPacket.StartupMessage startup = startupMessage(in, start, length, code);
        in.skipBytes(length);
        state = State.MESSAGES;
        out.add(startup);
    }

    private PgStartupPacket.StartupMessage startupMessage(ByteBuf in, int start, int length, int code) {
        int end = start + length;
        if (length < 9 || in.getByte(end - 1) != 0) {
            throw fail(in, PgProtocolException.violation("invalid startup packet layout: expected terminator as last byte"));
        }
        Map<String, String> params = new LinkedHashMap<>();
        int pos = start + 8;
        while (true) {
            int nameEnd = in.indexOf(pos, end, (byte) 0); // found: the last byte is NUL
            if (nameEnd == pos) {
                if (pos != end - 1) {
                    throw fail(in, PgProtocolException.violation("invalid startup packet layout: expected terminator as last byte"));
                }
                break;
            }
            if (nameEnd == end - 1) {
                throw fail(in, PgProtocolException.violation("invalid startup packet layout: a parameter without a value"));
            }
            int valueEnd = in.indexOf(nameEnd + 1, end, (byte) 0);
            if (valueEnd == end - 1) {
                throw fail(in, PgProtocolException.violation("invalid startup packet layout: expected terminator as last byte"));
            }
            params.put(in.toString(pos, nameEnd - pos, StandardCharsets.UTF_8),
                    in.toString(nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
            pos = valueEnd + 1;
        }
        String user = params.get("user");
        if (user == null || user.isEmpty()) {
            throw fail(in, new PgProtocolException("28000", "no PostgreSQL user name specified in startup packet"));
        }
        return new PgStartupPacket.StartupMessage(code, params);
    }

    private void decodeMessage(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int start = in.readerIndex();
        byte type = in.getByte(start);
        if (!PgFrontendMessages.isFrontendType(type)) {
            throw fail(in, PgProtocolException.violation("invalid frontend message type " + PgMessage.typeName(type)));
        }
        if (in.readableBytes() < PgMessage.HEADER_LENGTH) {
            return;
        }
        int length = in.getInt(start + 1);
        if (length < 4 || length > maxMessageLength) {
            throw fail(in, PgProtocolException.violation("invalid message length " + length + " for message type "
                    + PgMessage.typeName(type) + " (must be 4 to " + maxMessageLength + " bytes)"));
        }
        if (in.readableBytes() - 1 < length) {
            return;
        }
        ByteBuf frame = in.retainedSlice(start, length + 1);
        in.skipBytes(length + 1);
        out.add(new PgMessage(frame));
    }
}
