package io.tenantroute.proxy.mysql;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Opens authenticated connections to MySQL/MariaDB servers — the client side of the Connection Phase (MySQL
 * Source Code Documentation, "Connection Phase", "Protocol::HandshakeV10", "Protocol::HandshakeResponse41",
 * "Protocol::SSLRequest", "Protocol::AuthSwitchRequest", "Caching_sha2_password information"; MariaDB
 * "Connection").
 *
 * <p><b>Capabilities asked</b>: {@link MySqlCapabilities#CONNECTOR_BASE}, plus CONNECT_WITH_DB when the endpoint
 * names a database, CONNECT_ATTRS when it has attributes, SSL when TLS is used, DEPRECATE_EOF when the server
 * offers it and {@link MySqlConnectOptions#deprecateEof()} is on, and the options' per-client flags — all
 * intersected with what the server offers. Never a MariaDB extended flag (CLIENT_MYSQL stays set, so the
 * extended word is zero). CLIENT_PROTOCOL_41 is required of the server.
 *
 * <p><b>Authentication</b>: the server's default plugin for the first answer (native password when it is one
 * this class does not implement), then whatever AuthSwitchRequest asks: {@code mysql_native_password};
 * {@code caching_sha2_password} — fast path, and on perform_full_authentication the password in clear over TLS,
 * otherwise RSA-OAEP with the endpoint's known key or, when {@link MySqlServerEndpoint#allowPublicKeyRetrieval()},
 * the key the server sends on request; {@code mysql_clear_password} over TLS only. MariaDB's
 * {@code client_ed25519}, {@code parsec}, {@code dialog}/PAM and {@code sha256_password} fail with error 2059 /
 * HY000 naming the plugin: create the target's user with mysql_native_password.
 *
 * <p><b>Result</b>: a future completed on the given event loop with the {@link MySqlServerConnection}, or failed
 * with a {@link MySqlException}: the server's ERR (its code, SQLSTATE and message, e.g. 1045 / 28000, prefixed
 * with address and user), or a client-side error (2003 connect failed or timed out, 2013 connection lost, 2026
 * TLS required but not offered or failed, 2027 malformed packet, 2059 unsupported plugin, 2061 full
 * authentication needs TLS or a public key). No message holds the password. On failure the channel is closed.
 *
 * <p>Thread-safe: one connector serves every event loop. {@link #connect} does not block.
 */
public final class MySqlServerConnector {
    /** Pipeline names of the connection's handlers. */
    public static final String TLS_HANDLER_NAME = "mysql-tls";
    public static final String DECODER_NAME = "mysql-decoder";
    public static final String ENCODER_NAME = "mysql-encoder";
    private static final String AUTH_HANDLER_NAME = "mysql-connect";

    /** CR_AUTH_PLUGIN_ERR: full authentication needs TLS or the server's public key. */
    public static final int CR_AUTH_PLUGIN_ERR = 2061;

    private final MySqlConnectOptions options;
    private volatile SslContext trustAll;
    private volatile SslContext verifying;

    /** @param options how to connect */
    public MySqlServerConnector(MySqlConnectOptions options) {
        this.options = options;
    }

    /** @return the options */
    public MySqlConnectOptions options() {
        return options;
    }

    /**
     * Connects and authenticates.
     *
     * @param loop the event loop the channel is registered on (the client's, so both share a thread); its
     *     transport must match {@link MySqlConnectOptions#channelType()}
     * @param endpoint the server and user
     * @return completed with the connection, or failed with a {@link MySqlException} (see the class doc)
     */
    public Future<MySqlServerConnection> connect(EventLoop loop, MySqlServerEndpoint endpoint) {
        Promise<MySqlServerConnection> promise = loop.newPromise();
        String context = "MySQL server " + endpoint.address() + " user '" + endpoint.user() + "'";
        Bootstrap b = new Bootstrap().group(loop).channel(options.channelType())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeoutMs()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(DECODER_NAME, new MySqlPacketDecoder(options.maxPacketSize()));
                        ch.pipeline().addLast(ENCODER_NAME, MySqlPacketEncoder.INSTANCE);
                        ch.pipeline().addLast(AUTH_HANDLER_NAME, new AuthHandler(endpoint, promise, context));
                    }
                });
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            promise.tryFailure(new MySqlException(context + ": no login within " + options.connectTimeoutMs() + " ms",
                    "08001", MySqlException.CR_CONN_HOST_ERROR));
        }, options.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        ChannelFuture cf = b.connect(endpoint.host(), endpoint.port());
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(new MySqlException("Can't connect to " + context + ": " + f.cause().getMessage(),
                        "08001", MySqlException.CR_CONN_HOST_ERROR, f.cause()));
            } else {
                cf.channel().read();
            }
        });
        promise.addListener(f -> {
            timeout.cancel(false);
            if (!f.isSuccess()) {
                cf.channel().close();
            }
        });
        return promise;
    }

    private SslContext clientContext(MySqlTlsMode mode) throws SSLException {
        if (mode.verifies()) {
            if (options.verifyingSslContext() != null) {
                return options.verifyingSslContext();
            }
            SslContext c = verifying;
            if (c == null) {
                c = SslContextBuilder.forClient().build();
                verifying = c;
            }
            return c;
        }
        SslContext c = trustAll;
        if (c == null) {
            c = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            trustAll = c;
        }
        return c;
    }

    /** The client side of the Connection Phase on one channel; removed once the login OK arrived. */
    private final class AuthHandler extends ChannelInboundHandlerAdapter {
        private final MySqlServerEndpoint endpoint;
        private final Promise<MySqlServerConnection> promise;
        private final String context;
        private HandshakeV10 greeting;
        private long capabilities;
        private byte[] password;
        private byte[] nonce;
        private String plugin;
        private boolean tls;
        private boolean publicKeyRequested;
        private int nextSequenceId;

        AuthHandler(MySqlServerEndpoint endpoint, Promise<MySqlServerConnection> promise, String context) {
            this.endpoint = endpoint;
            this.promise = promise;
            this.context = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof MySqlPacket p)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            try {
                if (promise.isDone()) {
                    return;
                }
                nextSequenceId = p.nextSequenceId();
                if (greeting == null) {
                    onGreeting(ctx, p.payload());
                } else {
                    onAuthPacket(ctx, p.payload());
                }
            } catch (MySqlProtocolException e) {
                fail(new MySqlException(context + ": " + e.getMessage(), "08S01", MySqlException.CR_MALFORMED_PACKET, e));
            } catch (MySqlException e) {
                fail(e);
            } finally {
                p.release();
            }
        }

        private void onGreeting(ChannelHandlerContext ctx, ByteBuf payload) throws MySqlException {
            if (ErrPacket.isErr(payload)) {
                throw ErrPacket.parse(payload).toException(context);
            }
            greeting = HandshakeV10.parse(payload);
            long server = greeting.capabilities();
            if ((server & MySqlCapabilities.CLIENT_PROTOCOL_41) == 0) {
                throw new MySqlException(context + ": server " + greeting.serverVersion()
                        + " does not speak CLIENT_PROTOCOL_41", "08001", MySqlException.CR_MALFORMED_PACKET);
            }
            long wanted = MySqlCapabilities.CONNECTOR_BASE | options.optionalCapabilities();
            if (endpoint.database() != null) {
                wanted |= MySqlCapabilities.CLIENT_CONNECT_WITH_DB;
            }
            if (!endpoint.connectAttributes().isEmpty()) {
                wanted |= MySqlCapabilities.CLIENT_CONNECT_ATTRS;
            }
            if (options.deprecateEof()) {
                wanted |= MySqlCapabilities.CLIENT_DEPRECATE_EOF;
            }
            boolean serverTls = (server & MySqlCapabilities.CLIENT_SSL) != 0;
            if (endpoint.tlsMode() != MySqlTlsMode.DISABLED && serverTls) {
                wanted |= MySqlCapabilities.CLIENT_SSL;
            } else if (endpoint.tlsMode().required()) {
                throw new MySqlException(context + ": sslMode=" + endpoint.tlsMode()
                        + " but the server does not offer TLS", "08001", MySqlException.CR_SSL_CONNECTION_ERROR);
            }
            // bit 0 stays set: we never send MariaDB's extended capability word
            capabilities = (wanted & server & 0xFFFF_FFFFL) | MySqlCapabilities.CLIENT_LONG_PASSWORD;
            nonce = greeting.authPluginData();
            String pw = endpoint.password().get();
            password = (pw == null ? "" : pw).getBytes(StandardCharsets.UTF_8);
            if ((capabilities & MySqlCapabilities.CLIENT_SSL) != 0) {
                ctx.writeAndFlush(new MySqlPacket(nextSequenceId, HandshakeResponse41.sslRequest(ctx.alloc(),
                        capabilities, options.maxPacketSize(), options.charset())));
                nextSequenceId = (nextSequenceId + 1) & 0xFF;
                SslContext sslContext;
                try {
                    sslContext = clientContext(endpoint.tlsMode());
                } catch (SSLException e) {
                    throw new MySqlException(context + ": cannot build a TLS context: " + e.getMessage(), "08001",
                            MySqlException.CR_SSL_CONNECTION_ERROR, e);
                }
                SslHandler ssl = sslContext.newHandler(ctx.alloc(), endpoint.host(), endpoint.port());
                if (endpoint.tlsMode() == MySqlTlsMode.VERIFY_IDENTITY) {
                    SSLEngine engine = ssl.engine();
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                }
                ctx.pipeline().addFirst(TLS_HANDLER_NAME, ssl);
                ssl.handshakeFuture().addListener(f -> {
                    if (f.isSuccess()) {
                        tls = true;
                        sendResponse(ctx);
                    } else {
                        fail(new MySqlException(context + ": TLS handshake failed: " + f.cause().getMessage(), "08001",
                                MySqlException.CR_SSL_CONNECTION_ERROR, f.cause()));
                    }
                });
                ctx.read();
                return;
            }
            sendResponse(ctx);
        }

        private void sendResponse(ChannelHandlerContext ctx) {
            String first = greeting.authPluginName();
            plugin = CachingSha2Password.PLUGIN_NAME.equals(first) || MySqlNativePassword.PLUGIN_NAME.equals(first)
                    || (tls && "mysql_clear_password".equals(first)) ? first : MySqlNativePassword.PLUGIN_NAME;
            byte[] auth = answer(plugin, nonce);
            HandshakeResponse41 r = new HandshakeResponse41(capabilities, options.maxPacketSize(), options.charset(),
                    endpoint.user(), auth, endpoint.database(), plugin, endpoint.connectAttributes());
            write(ctx, r.toPayload(ctx.alloc()));
        }

        private byte[] answer(String name, byte[] n) {
            switch (name) {
                case MySqlNativePassword.PLUGIN_NAME:
                    return MySqlNativePassword.scramble(password, n);
                case CachingSha2Password.PLUGIN_NAME:
                    return CachingSha2Password.scramble(password, n);
                default: // mysql_clear_password, over TLS only
                    return Arrays.copyOf(password, password.length + 1);
            }
        }

        private void onAuthPacket(ChannelHandlerContext ctx, ByteBuf payload) throws MySqlException {
            int first = payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
            if (first == OkPacket.HEADER) {
                OkPacket ok = OkPacket.parse(payload, capabilities);
                succeed(ctx, ok.statusFlags());
            } else if (first == ErrPacket.HEADER) {
                throw ErrPacket.parse(payload).toException(context);
            } else if (first == AuthSwitchRequest.HEADER) {
                AuthSwitchRequest sw = AuthSwitchRequest.parse(payload);
                String name = sw.pluginName();
                boolean supported = name.equals(MySqlNativePassword.PLUGIN_NAME) || name.equals(CachingSha2Password.PLUGIN_NAME);
                if (name.equals("mysql_clear_password")) {
                    if (!tls) {
                        throw new MySqlException(context + ": the server asks for mysql_clear_password, which sends"
                                + " the password in clear; refused without TLS (use sslMode=REQUIRED or better)",
                                "08001", CR_AUTH_PLUGIN_ERR);
                    }
                    supported = true;
                }
                if (!supported) {
                    throw new MySqlException(context + ": the server asks for authentication plugin '" + name
                            + "', which TenantRoute does not implement; give this user mysql_native_password"
                            + " (MariaDB: ALTER USER … IDENTIFIED VIA mysql_native_password USING PASSWORD('…'))"
                            + " or caching_sha2_password (MySQL)", "HY000", MySqlException.CR_AUTH_PLUGIN_CANNOT_LOAD);
                }
                plugin = name;
                if (sw.pluginData().length >= 20) {
                    nonce = Arrays.copyOf(sw.pluginData(), 20);
                }
                write(ctx, io.netty.buffer.Unpooled.wrappedBuffer(answer(plugin, nonce)));
            } else if (first == AuthMoreData.HEADER && CachingSha2Password.PLUGIN_NAME.equals(plugin)) {
                byte[] data = AuthMoreData.data(payload);
                if (publicKeyRequested) {
                    RSAPublicKey key;
                    try {
                        key = CachingSha2Password.parsePublicKey(new String(data, StandardCharsets.US_ASCII));
                    } catch (GeneralSecurityException e) {
                        throw new MySqlException(context + ": the server's RSA public key is unreadable: "
                                + e.getMessage(), "08001", CR_AUTH_PLUGIN_ERR, e);
                    }
                    sendEncrypted(ctx, key);
                } else if (data.length == 1 && data[0] == CachingSha2Password.FAST_AUTH_SUCCESS) {
                    ctx.read(); // the OK follows
                } else if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
                    if (tls) {
                        write(ctx, io.netty.buffer.Unpooled.wrappedBuffer(Arrays.copyOf(password, password.length + 1)));
                    } else if (endpoint.serverRsaPublicKey() != null) {
                        sendEncrypted(ctx, endpoint.serverRsaPublicKey());
                    } else if (endpoint.allowPublicKeyRetrieval()) {
                        publicKeyRequested = true;
                        write(ctx, io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY}));
                    } else {
                        throw new MySqlException(context + ": caching_sha2_password full authentication needs TLS"
                                + " (sslMode), the server's key (serverRsaPublicKeyFile) or allowPublicKeyRetrieval=true",
                                "08001", CR_AUTH_PLUGIN_ERR);
                    }
                } else {
                    throw new MySqlException(context + ": unexpected caching_sha2_password data from the server",
                            "08S01", MySqlException.CR_MALFORMED_PACKET);
                }
            } else {
                throw new MySqlException(context + ": unexpected packet 0x" + Integer.toHexString(first)
                        + " during authentication (plugin " + plugin + ")", "08S01", MySqlException.CR_MALFORMED_PACKET);
            }
        }

        private void sendEncrypted(ChannelHandlerContext ctx, RSAPublicKey key) throws MySqlException {
            try {
                write(ctx, io.netty.buffer.Unpooled.wrappedBuffer(CachingSha2Password.encryptPassword(password, nonce, key)));
            } catch (GeneralSecurityException e) {
                throw new MySqlException(context + ": cannot RSA-encrypt the password: " + e.getMessage(), "08001",
                        CR_AUTH_PLUGIN_ERR, e);
            }
        }

        private void write(ChannelHandlerContext ctx, ByteBuf payload) {
            ctx.writeAndFlush(new MySqlPacket(nextSequenceId, payload));
            nextSequenceId = (nextSequenceId + 1) & 0xFF;
            ctx.read();
        }

        private void succeed(ChannelHandlerContext ctx, int status) {
            wipe();
            Channel ch = ctx.channel();
            ctx.pipeline().remove(this);
            MySqlServerConnection c = new MySqlServerConnection(ch, endpoint, greeting.serverVersion(),
                    greeting.connectionId(), capabilities, greeting.capabilities(), status, options.charset(), plugin, tls);
            if (!promise.trySuccess(c)) {
                ch.close();
            }
        }

        private void fail(MySqlException e) {
            wipe();
            promise.tryFailure(e);
        }

        private void wipe() {
            if (password != null) {
                Arrays.fill(password, (byte) 0);
                password = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof MySqlProtocolException e) {
                fail(new MySqlException(context + ": " + e.getMessage(), e.sqlState(), MySqlException.CR_MALFORMED_PACKET, e));
            } else {
                fail(new MySqlException(context + ": " + cause.getMessage(), "08S01", MySqlException.CR_SERVER_LOST, cause));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            fail(new MySqlException(context + ": the server closed the connection during the handshake", "08S01",
                    MySqlException.CR_SERVER_LOST));
            super.channelInactive(ctx);
        }
    }
}
