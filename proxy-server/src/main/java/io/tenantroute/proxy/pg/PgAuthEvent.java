package io.tenantroute.proxy.pg;

/**
 * The outcome of a client's authentication, fired by {@link PgFrontendAuthHandler} as a user event
 * ({@code userEventTriggered}) to the handlers after it, once.
 *
 * <p>On success the handler has written (not flushed) AuthenticationOk and removed itself: the session now writes
 * its ParameterStatus messages, BackendKeyData and ReadyForQuery, and flushes. On failure the handler has written
 * an ErrorResponse {@code FATAL} and is closing the connection; the event is for metrics and logs.
 *
 * @param startup the client's StartupMessage
 * @param authenticated true when the client may go on
 * @param method {@code scram-sha-256}, {@code md5}, or {@code trust} (loopback without users file)
 * @param sqlState null on success; else the SQLSTATE sent ({@code 28P01} wrong password or unknown user, {@code 28000}
 *     not admitted, {@code 08P01} protocol violation, {@code 57014} timeout, {@code 08006} client went away)
 * @param message null on success; else the message sent, never a password
 */
public record PgAuthEvent(PgStartupPacket.StartupMessage startup, boolean authenticated, String method, String sqlState,
                          String message) {
}
