/**
 * The PostgreSQL side of the wire proxy: protocol 3.0 as the PostgreSQL manual's chapter "Frontend/Backend Protocol"
 * describes it ("Message Flow", "Message Formats", "SASL Authentication"), SCRAM-SHA-256 after RFC 5802 and RFC 7677,
 * and PostgreSQL's md5 method. These are building blocks; the session logic (transaction pooling, routing, prepared
 * statements, fence retry) composes them.
 *
 * <h2>Client side (a client connects to the proxy)</h2>
 * <ol>
 *   <li>Pipeline: {@link io.tenantroute.proxy.pg.PgFrontendDecoder}, then the session handler.</li>
 *   <li>The decoder emits {@link io.tenantroute.proxy.pg.PgStartupPacket}s: answer
 *       {@link io.tenantroute.proxy.pg.PgStartupPacket.SslRequest} with
 *       {@link io.tenantroute.proxy.pg.PgTls#startServerTls} (context from
 *       {@link io.tenantroute.proxy.internal.TlsContexts#forServer}) or {@link io.tenantroute.proxy.pg.PgTls#refuse};
 *       a {@link io.tenantroute.proxy.pg.PgStartupPacket.CancelRequest} is looked up in the proxy's own key registry
 *       and forwarded with {@link io.tenantroute.proxy.pg.PgServerConnector#cancel}.</li>
 *   <li>On the {@link io.tenantroute.proxy.pg.PgStartupPacket.StartupMessage}: add a
 *       {@link io.tenantroute.proxy.pg.PgFrontendAuthHandler} before the session
 *       ({@link io.tenantroute.proxy.pg.PgClientAuth} from the users file, or loopback only); on its
 *       {@link io.tenantroute.proxy.pg.PgAuthEvent} check the database name (3D000 after authentication, as PostgreSQL
 *       does), write ParameterStatus, BackendKeyData (the proxy's own key) and ReadyForQuery, flush.</li>
 *   <li>Then every message is a {@link io.tenantroute.proxy.pg.PgMessage}: read what routing needs with
 *       {@link io.tenantroute.proxy.pg.PgFrontendMessages}, forward {@link io.tenantroute.proxy.pg.PgMessage#frame()}
 *       unchanged, or rename a statement with
 *       {@link io.tenantroute.proxy.pg.PgFrontendMessages#withStatementName}.</li>
 *   <li>A {@link io.tenantroute.proxy.pg.PgProtocolException} in {@code exceptionCaught}: ErrorResponse FATAL with its
 *       SQLSTATE, then {@link io.tenantroute.proxy.internal.Channels#flushAndClose}.</li>
 * </ol>
 *
 * <h2>Server side (the proxy connects to a target)</h2>
 * {@link io.tenantroute.proxy.pg.PgServerConnector#connect} on the client's event loop with a
 * {@link io.tenantroute.proxy.pg.PgServerEndpoint} (e.g. {@link io.tenantroute.proxy.pg.PgServerEndpoint#fromJdbcUrl}
 * of the target's URL) gives a {@link io.tenantroute.proxy.pg.PgServerConnection} at its first ReadyForQuery, with only
 * an optional SslHandler and the {@link io.tenantroute.proxy.pg.PgBackendDecoder} in its pipeline; server messages are
 * {@link io.tenantroute.proxy.pg.PgMessage}s read with {@link io.tenantroute.proxy.pg.PgBackendMessages}.
 *
 * <h2>Buffers</h2>
 * Every {@link io.tenantroute.proxy.pg.PgMessage} a decoder emits holds one reference: the handler that gets it releases
 * it or passes it on (writing its frame to a peer passes it on). Writers return frames with one reference, owned by the
 * caller until written.
 */
package io.tenantroute.proxy.pg;
