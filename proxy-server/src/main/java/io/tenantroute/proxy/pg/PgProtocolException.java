package io.tenantroute.proxy.pg;

import io.netty.handler.codec.DecoderException;

/**
 * A violation of the PostgreSQL frontend/backend protocol 3.0 (the PostgreSQL manual, chapter "Frontend/Backend
 * Protocol"): a length below 4 or above the configured maximum, an unknown message type, a message whose content
 * does not match its format ("Message Formats"), a message out of the order "Message Flow" allows.
 *
 * <p>Carries the SQLSTATE the proxy answers with: {@link #PROTOCOL_VIOLATION} ({@code 08P01}) unless the
 * condition has a more specific code (e.g. {@code 0A000} for an unsupported protocol version, {@code 28000} for
 * a startup packet without a user). The message never contains a password or message payload bytes, so it can go
 * to the client in an ErrorResponse and to the log as it is.
 *
 * <p>It extends Netty's {@link DecoderException} so that a decoder's {@code exceptionCaught} sees it unwrapped.
 * The usual answer is an ErrorResponse of severity {@code FATAL} with {@link #sqlState()} and
 * {@link #getMessage()}, then a flush-and-close of that one client.
 */
public class PgProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** {@code 08P01} protocol_violation (PostgreSQL manual, Appendix A "PostgreSQL Error Codes"). */
    public static final String PROTOCOL_VIOLATION = "08P01";

    private final String sqlState;

    /**
     * @param sqlState the five-character SQLSTATE to report
     * @param message what was wrong; no password, no payload bytes
     */
    public PgProtocolException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    /**
     * @param message what was wrong; no password, no payload bytes
     * @return an exception with SQLSTATE {@link #PROTOCOL_VIOLATION}
     */
    public static PgProtocolException violation(String message) {
        return new PgProtocolException(PROTOCOL_VIOLATION, message);
    }

    /** @return the SQLSTATE, {@code 08P01} unless a more specific code applies */
    public String sqlState() {
        return sqlState;
    }
}
