/**
 * The MySQL Client/Server Protocol building blocks of the proxy (MySQL Source Code Documentation,
 * "Client/Server Protocol"; MariaDB "Clients &amp; Utilities → Server Client Software → Client Libraries →
 * Client/Server Protocol" for its differences). Protocol code only — no routing:
 * <ul>
 *   <li>framing: {@link io.tenantroute.proxy.mysql.MySqlPacketDecoder}, {@link io.tenantroute.proxy.mysql.MySqlPacketEncoder},
 *       {@link io.tenantroute.proxy.mysql.MySqlPacket};</li>
 *   <li>Connection Phase packets: {@link io.tenantroute.proxy.mysql.HandshakeV10},
 *       {@link io.tenantroute.proxy.mysql.HandshakeResponse41} (and SSLRequest),
 *       {@link io.tenantroute.proxy.mysql.AuthSwitchRequest}, {@link io.tenantroute.proxy.mysql.AuthMoreData};
 *       generic responses {@link io.tenantroute.proxy.mysql.OkPacket}, {@link io.tenantroute.proxy.mysql.ErrPacket},
 *       {@link io.tenantroute.proxy.mysql.EofPacket};</li>
 *   <li>password plugins: {@link io.tenantroute.proxy.mysql.MySqlNativePassword},
 *       {@link io.tenantroute.proxy.mysql.CachingSha2Password}; users: {@link io.tenantroute.proxy.mysql.MySqlCredentials},
 *       {@link io.tenantroute.proxy.mysql.MySqlUserSecrets};</li>
 *   <li>the client-facing login: {@link io.tenantroute.proxy.mysql.MySqlFrontendAuthHandler} with
 *       {@link io.tenantroute.proxy.mysql.MySqlFrontendAuthConfig}, reporting a
 *       {@link io.tenantroute.proxy.mysql.MySqlClientLogin};</li>
 *   <li>server connections: {@link io.tenantroute.proxy.mysql.MySqlServerConnector},
 *       {@link io.tenantroute.proxy.mysql.MySqlServerEndpoint}, {@link io.tenantroute.proxy.mysql.MySqlConnectOptions},
 *       {@link io.tenantroute.proxy.mysql.MySqlServerConnection};</li>
 *   <li>Command Phase: {@link io.tenantroute.proxy.mysql.MySqlCommand}, {@link io.tenantroute.proxy.mysql.MySqlCommands},
 *       {@link io.tenantroute.proxy.mysql.ComStmtExecute}, {@link io.tenantroute.proxy.mysql.PrepareOk},
 *       {@link io.tenantroute.proxy.mysql.ColumnDefinition}, and the
 *       {@link io.tenantroute.proxy.mysql.MySqlResponseTracker} that follows each response, tells when it (and so a
 *       transaction) ends and translates CLIENT_DEPRECATE_EOF between client and server.</li>
 * </ul>
 * Errors: {@link io.tenantroute.proxy.mysql.MySqlProtocolException} for bytes that break the protocol (close that
 * connection), {@link io.tenantroute.proxy.mysql.MySqlException} (an {@link java.sql.SQLException} with the MySQL
 * error code and SQLSTATE) for errors reported as MySQL reports them.
 */
package io.tenantroute.proxy.mysql;
