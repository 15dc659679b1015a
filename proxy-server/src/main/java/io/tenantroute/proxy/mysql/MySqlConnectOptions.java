package io.tenantroute.proxy.mysql;

import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.Objects;

/**
 * How {@link MySqlServerConnector} opens server connections. Immutable; validated on construction.
 *
 * @param connectTimeoutMs the bound on TCP connect plus the whole handshake and authentication, in ms, ≥ 1
 * @param maxPacketSize the max packet size announced to the server and the bound of the connection's
 *     {@link MySqlPacketDecoder}, in bytes, ≥ 1024
 * @param charset the collation id sent in the handshake response (default utf8mb4_general_ci, 45)
 * @param deprecateEof whether to ask for CLIENT_DEPRECATE_EOF when the server offers it
 * @param optionalCapabilities per-client flags to ask for, a subset of {@link MySqlCapabilities#CONNECTOR_OPTIONAL}
 * @param verifyingSslContext the client TLS context for VERIFY_CA / VERIFY_IDENTITY (a custom trust store);
 *     null = the JDK's default trust store
 * @param channelType the socket channel class that fits the event loops given to {@code connect}
 */
public record MySqlConnectOptions(long connectTimeoutMs, int maxPacketSize, int charset, boolean deprecateEof,
        long optionalCapabilities, SslContext verifyingSslContext, Class<? extends SocketChannel> channelType) {
    public MySqlConnectOptions {
        if (connectTimeoutMs < 1) {
            throw new IllegalArgumentException("connectTimeoutMs must be ≥ 1, was " + connectTimeoutMs);
        }
        if (maxPacketSize < 1024) {
            throw new IllegalArgumentException("maxPacketSize must be ≥ 1024 bytes, was " + maxPacketSize);
        }
        if (charset < 1 || charset > 255) {
            throw new IllegalArgumentException("charset must be a collation id 1–255, was " + charset);
        }
        if ((optionalCapabilities & ~MySqlCapabilities.CONNECTOR_OPTIONAL) != 0) {
            throw new IllegalArgumentException("optionalCapabilities may only hold "
                    + MySqlCapabilities.names(MySqlCapabilities.CONNECTOR_OPTIONAL) + ", had "
                    + MySqlCapabilities.names(optionalCapabilities & ~MySqlCapabilities.CONNECTOR_OPTIONAL));
        }
        if (verifyingSslContext != null && !verifyingSslContext.isClient()) {
            throw new IllegalArgumentException("verifyingSslContext must be a client context");
        }
        Objects.requireNonNull(channelType, "channelType");
    }

    /** @return 10 s, 64 MiB, utf8mb4_general_ci, DEPRECATE_EOF on, no optional flags, JDK trust, NIO */
    public static MySqlConnectOptions defaults() {
        return new MySqlConnectOptions(10_000, MySqlPacketDecoder.DEFAULT_MAX_PAYLOAD_BYTES,
                MySqlCharsets.UTF8MB4_GENERAL_CI, true, 0, null, NioSocketChannel.class);
    }

    /** @return a copy asking, or not, for CLIENT_DEPRECATE_EOF */
    public MySqlConnectOptions withDeprecateEof(boolean on) {
        return new MySqlConnectOptions(connectTimeoutMs, maxPacketSize, charset, on, optionalCapabilities,
                verifyingSslContext, channelType);
    }

    /** @return a copy with other optional capabilities */
    public MySqlConnectOptions withOptionalCapabilities(long caps) {
        return new MySqlConnectOptions(connectTimeoutMs, maxPacketSize, charset, deprecateEof, caps,
                verifyingSslContext, channelType);
    }

    /** @return a copy with another connect timeout */
    public MySqlConnectOptions withConnectTimeoutMs(long ms) {
        return new MySqlConnectOptions(ms, maxPacketSize, charset, deprecateEof, optionalCapabilities,
                verifyingSslContext, channelType);
    }

    /** @return a copy with a client TLS context for the verifying modes */
    public MySqlConnectOptions withVerifyingSslContext(SslContext ctx) {
        return new MySqlConnectOptions(connectTimeoutMs, maxPacketSize, charset, deprecateEof, optionalCapabilities,
                ctx, channelType);
    }
}
