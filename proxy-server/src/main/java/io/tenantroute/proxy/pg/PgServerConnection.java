package io.tenantroute.proxy.pg;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;
import java.util.Map;

/**
 * An authenticated PostgreSQL server connection that has sent its first ReadyForQuery (status idle), made by
 * {@link PgServerConnector}.
 *
 * <p>The {@link #channel()} pipeline holds only an optional {@link SslHandler} ({@code "pg-tls"}) and the
 * {@link PgBackendDecoder} ({@code "pg-decoder"}): add the session's handler after the decoder. {@code AUTO_READ}
 * is off; the owner calls {@code read()}. Immutable apart from the channel itself; the channel belongs to the event
 * loop it was opened on.
 */
public final class PgServerConnection {
    private final Channel channel;
    private final PgServerEndpoint endpoint;
    private final Map<String, String> parameters;
    private final PgBackendMessages.BackendKeyData backendKeyData;

    PgServerConnection(Channel channel, PgServerEndpoint endpoint, Map<String, String> parameters,
                       PgBackendMessages.BackendKeyData backendKeyData) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.parameters = Map.copyOf(parameters);
        this.backendKeyData = backendKeyData;
    }

    /** @return the channel */
    public Channel channel() {
        return channel;
    }

    /** @return the endpoint it was opened to */
    public PgServerEndpoint endpoint() {
        return endpoint;
    }

    /** @return the ParameterStatus values received during startup (server_version, client_encoding, TimeZone, …), unmodifiable */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** @return the server's BackendKeyData (for a CancelRequest), or null when the server sent none */
    public PgBackendMessages.BackendKeyData backendKeyData() {
        return backendKeyData;
    }

    /** @return true when the connection runs over TLS */
    public boolean isTls() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** Sends Terminate and closes once it is written. @return the close future */
    public ChannelFuture terminate() {
        if (!channel.isActive()) {
            return channel.close();
        }
        return channel.writeAndFlush(PgFrontendMessages.terminate(channel.alloc())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String toString() {
        return "PgServerConnection(" + endpoint + (isTls() ? ", TLS" : "") + ", pid "
                + (backendKeyData == null ? "?" : backendKeyData.processId()) + ")";
    }
}
