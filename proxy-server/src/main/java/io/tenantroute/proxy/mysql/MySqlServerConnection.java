package io.tenantroute.proxy.mysql;

import io.netty.channel.Channel;

/**
 * An authenticated connection to a MySQL/MariaDB server, in the Command Phase, as
 * {@link MySqlServerConnector} completes it. The channel's pipeline holds only an optional
 * {@code SslHandler} ("mysql-tls"), a {@link MySqlPacketDecoder} ("mysql-decoder") and the
 * {@link MySqlPacketEncoder} ("mysql-encoder"); AUTO_READ is off, so the owner calls {@code read()}. The
 * fields are facts of the handshake; the live status flags are in each response's OK/EOF. Immutable (the
 * channel itself is not).
 *
 * @param channel the channel, registered on the event loop given to {@code connect}
 * @param endpoint the endpoint it was opened for
 * @param serverVersion the server's version string, e.g. {@code 5.5.5-10.11.19-MariaDB-0+deb12u1}
 * @param connectionId the server's connection (thread) id, what {@code KILL QUERY} names
 * @param capabilities the negotiated capabilities (what the proxy asked and the server offered)
 * @param serverCapabilities what the server offered
 * @param statusFlags the status flags of the login's OK packet
 * @param charset the collation id the connection uses (the one sent in the handshake response)
 * @param authPlugin the plugin that authenticated, e.g. {@code mysql_native_password}
 * @param tls whether the connection is encrypted
 */
public record MySqlServerConnection(Channel channel, MySqlServerEndpoint endpoint, String serverVersion,
        long connectionId, long capabilities, long serverCapabilities, int statusFlags, int charset,
        String authPlugin, boolean tls) {
    /** @return whether the server is MariaDB (by its version string) */
    public boolean isMariaDb() {
        return serverVersion.contains("MariaDB");
    }

    /** @return whether the connection negotiated {@code flag} */
    public boolean has(long flag) {
        return MySqlCapabilities.has(capabilities, flag);
    }
}
