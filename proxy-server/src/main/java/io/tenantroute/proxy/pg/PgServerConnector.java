package io.tenantroute.proxy.pg;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens PostgreSQL server connections on a given event loop (so that a client's backend connection shares the
 * client's loop and no handoff between threads is needed): TCP connect, TLS as the endpoint's {@link PgSslMode} says
 * (SSLRequest, then an {@link SslHandler} when the server answers {@code 'S'}), StartupMessage (protocol 3.0,
 * {@code user}, {@code database} and the endpoint's parameters), authentication — trust, cleartext password, md5,
 * SCRAM-SHA-256 (without channel binding) — and the ParameterStatus/BackendKeyData messages up to the first
 * ReadyForQuery (the PostgreSQL manual, "Frontend/Backend Protocol" → "Message Flow" → "Start-up" and "SSL Session
 * Encryption"; "SASL Authentication").
 *
 * <p>sslmode: {@code disable} plain; {@code allow} plain, and once more with TLS when the server refuses the plain
 * attempt with an ErrorResponse; {@code prefer} TLS when the server answers {@code 'S'}, plain on {@code 'N'}, and once
 * more in plain text when the TLS handshake fails; {@code require}, {@code verify-ca}, {@code verify-full} TLS or fail
 * ({@code 08001}). Certificates are checked only for the verify modes ({@link PgTls}).
 *
 * <p>The returned future completes on the event loop, right when ReadyForQuery is read; a listener added before
 * that runs at once and can add its handler before any later server message is read. It fails with a
 * {@link PgServerException} (the server's SQLSTATE and fields, or the proxy's {@code 08xxx}); on failure the channel
 * is closed. The whole attempt, retries included, is bounded by {@link PgServerEndpoint#connectTimeoutMs()}. The
 * password supplier runs on the event loop and only when the server asks. Host names are resolved by Netty's default
 * resolver (the JDK's, blocking): use addresses or names the hosts file knows for targets on a busy loop.
 *
 * <p>Thread-safe; one instance can serve every loop of the proxy.
 */
public final class PgServerConnector {
    private static final Logger LOG = LoggerFactory.getLogger(PgServerConnector.class);

    /** Name of the decoder in a server channel's pipeline. */
    public static final String DECODER_NAME = "pg-decoder";
    /** Name of the SslHandler in a server channel's pipeline, when TLS is on. */
    public static final String TLS_NAME = "pg-tls";
    private static final String STARTUP_NAME = "pg-startup";

    private final ChannelFactory<? extends Channel> channelFactory;
    private final int maxMessageLength;

    /** A connector for NIO event loops, with the decoder's default maximum message length (64 MiB). */
    public PgServerConnector() {
        this(NioSocketChannel::new, PgFrontendDecoder.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /**
     * @param channelFactory makes socket channels matching the event loops' transport (e.g. {@code NioSocketChannel::new})
     * @param maxMessageLength the largest server message admitted, in bytes (a larger DataRow fails the connection)
     */
    public PgServerConnector(ChannelFactory<? extends Channel> channelFactory, int maxMessageLength) {
        this.channelFactory = channelFactory;
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Opens a connection.
     *
     * @param loop the event loop the channel is registered on
     * @param endpoint where and as whom
     * @return completes with the connection after ReadyForQuery, or fails with a {@link PgServerException}
     */
    public Future<PgServerConnection> connect(EventLoop loop, PgServerEndpoint endpoint) {
        Promise<PgServerConnection> promise = loop.newPromise();
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.connectTimeoutMs());
        PgSslMode mode = endpoint.sslMode();
        boolean tlsFirst = mode != PgSslMode.DISABLE && mode != PgSslMode.ALLOW;
        Promise<PgServerConnection> first = loop.newPromise();
        attempt(loop, endpoint, tlsFirst, deadlineNanos, first);
        first.addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess(first.getNow());
                return;
            }
            Throwable cause = f.cause();
            Attempt.Failure kind = cause instanceof AttemptFailed ? ((AttemptFailed) cause).kind : Attempt.Failure.OTHER;
            Throwable reported = cause instanceof AttemptFailed ? cause.getCause() : cause;
            boolean retry = (mode == PgSslMode.ALLOW && kind == Attempt.Failure.SERVER_REFUSED)
                    || (mode == PgSslMode.PREFER && kind == Attempt.Failure.TLS_HANDSHAKE);
            if (retry && System.nanoTime() < deadlineNanos) {
                LOG.debug("retrying {} {} TLS after: {}", endpoint, mode == PgSslMode.ALLOW ? "with" : "without", reported.getMessage());
                Promise<PgServerConnection> second = loop.newPromise();
                attempt(loop, endpoint, mode == PgSslMode.ALLOW, deadlineNanos, second);
                second.addListener(g -> {
                    if (g.isSuccess()) {
                        promise.trySuccess(second.getNow());
                    } else {
                        Throwable c = g.cause();
                        promise.tryFailure(c instanceof AttemptFailed ? c.getCause() : c);
                    }
                });
            } else {
                promise.tryFailure(reported);
            }
        });
        return promise;
    }

    /**
     * Sends a CancelRequest for ({@code processId}, {@code secretKey}) on a fresh connection to the endpoint's server
     * (TLS first when the sslmode requires it; a plain connection otherwise, which PostgreSQL accepts for cancels) and
     * waits for the server to close it. The server answers nothing: success means it was delivered, not that a query
     * was running.
     *
     * @return completes when the server closed the connection, or fails with a {@link PgServerException} ({@code 08001}
     *     cannot connect, TLS refused, timed out)
     */
    public Future<Void> cancel(EventLoop loop, PgServerEndpoint endpoint, int processId, int secretKey) {
        Promise<Void> promise = loop.newPromise();
        boolean tls = endpoint.sslMode().requiresTls();
        SslContext sslContext;
        try {
            sslContext = tls ? PgTls.clientContext(endpoint.sslMode(), endpoint.sslRootCert()) : null;
        } catch (Exception e) {
            return promise.setFailure(new PgServerException("cancel on " + endpoint + ": " + e.getMessage(), "08001", null, e));
        }
        PgBackendDecoder decoder = new PgBackendDecoder(maxMessageLength);
        Bootstrap b = bootstrap(loop, endpoint).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(DECODER_NAME, decoder);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private void sendCancel(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(PgFrontendMessages.cancelRequest(ctx.alloc(), processId, secretKey));
                        ctx.read();
                    }

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        if (tls) {
                            decoder.expectSslResponse();
                            ctx.writeAndFlush(PgFrontendMessages.sslRequest(ctx.alloc()));
                            ctx.read();
                        } else {
                            sendCancel(ctx);
                        }
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        if (msg == PgBackendDecoder.SslResponse.ACCEPTED) {
                            SslHandler ssl = sslContext.newHandler(ctx.alloc(), endpoint.host(), endpoint.port());
                            ctx.pipeline().addFirst(TLS_NAME, ssl);
                            ssl.handshakeFuture().addListener(h -> {
                                if (h.isSuccess()) {
                                    sendCancel(ctx);
                                } else {
                                    promise.tryFailure(new PgServerException("cancel on " + endpoint + ": TLS handshake failed: "
                                            + h.cause().getMessage(), "08001", null, h.cause()));
                                    ctx.close();
                                }
                            });
                            ctx.read();
                        } else if (msg == PgBackendDecoder.SslResponse.REFUSED) {
                            promise.tryFailure(new PgServerException("cancel on " + endpoint
                                    + ": server does not support SSL, but SSL was required", "08001", null, null));
                            ctx.close();
                        } else {
                            ctx.read();
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        promise.trySuccess(null);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        promise.tryFailure(new PgServerException("cancel on " + endpoint + ": " + cause.getMessage(), "08006", null, cause));
                        ctx.close();
                    }
                });
            }
        });
        b.connect(endpoint.host(), endpoint.port()).addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(new PgServerException("cancel: could not connect to server " + endpoint + ": "
                        + describe(f.cause()), "08001", null, f.cause()));
                return;
            }
            ScheduledFuture<?> t = loop.schedule(() -> {
                if (promise.tryFailure(new PgServerException("cancel on " + endpoint + ": timed out after "
                        + endpoint.connectTimeoutMs() + " ms", "08001", null, null))) {
                    f.channel().close();
                }
            }, endpoint.connectTimeoutMs(), TimeUnit.MILLISECONDS);
            promise.addListener(p -> t.cancel(false));
        });
        return promise;
    }

    private Bootstrap bootstrap(EventLoop loop, PgServerEndpoint endpoint) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, endpoint.connectTimeoutMs()));
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Carries why an attempt failed, for the retry rule of allow/prefer; its cause is what the caller gets. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final Attempt.Failure kind;

        AttemptFailed(Attempt.Failure kind, PgServerException cause) {
            super(cause.getMessage(), cause, false, false);
            this.kind = kind;
        }
    }

    private void attempt(EventLoop loop, PgServerEndpoint endpoint, boolean tls, long deadlineNanos,
                         Promise<PgServerConnection> promise) {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        SslContext sslContext = null;
        if (tls) {
            try {
                sslContext = PgTls.clientContext(endpoint.sslMode(), endpoint.sslRootCert());
            } catch (Exception e) {
                promise.tryFailure(new AttemptFailed(Attempt.Failure.OTHER,
                        new PgServerException("TLS setup for " + endpoint + " failed: " + e.getMessage(), "08001", null, e)));
                return;
            }
        }
        PgBackendDecoder decoder = new PgBackendDecoder(maxMessageLength);
        Attempt handler = new Attempt(endpoint, tls, sslContext, decoder, promise);
        Bootstrap b = bootstrap(loop, endpoint)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, remainingMs))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(DECODER_NAME, decoder);
                        ch.pipeline().addLast(STARTUP_NAME, handler);
                    }
                });
        b.connect(endpoint.host(), endpoint.port()).addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(new AttemptFailed(Attempt.Failure.OTHER, new PgServerException(
                        "could not connect to server " + endpoint + ": " + describe(f.cause()), "08001", null, f.cause())));
                return;
            }
            ScheduledFuture<?> t = loop.schedule(() -> handler.timeout(f.channel()), remainingMs, TimeUnit.MILLISECONDS);
            promise.addListener(p -> t.cancel(false));
        });
    }

    /** The startup of one connection attempt: removed from the pipeline at ReadyForQuery. Event loop only. */
    private static final class Attempt extends ChannelInboundHandlerAdapter {
        enum Failure { SERVER_REFUSED, TLS_HANDSHAKE, OTHER }

        private final PgServerEndpoint endpoint;
        private final boolean tls;
        private final SslContext sslContext;
        private final PgBackendDecoder decoder;
        private final Promise<PgServerConnection> promise;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private PgBackendMessages.BackendKeyData keyData;
        private ScramClientExchange scram;
        private boolean authenticated;
        private boolean done;

        Attempt(PgServerEndpoint endpoint, boolean tls, SslContext sslContext, PgBackendDecoder decoder,
                Promise<PgServerConnection> promise) {
            this.endpoint = endpoint;
            this.tls = tls;
            this.sslContext = sslContext;
            this.decoder = decoder;
            this.promise = promise;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (tls) {
                decoder.expectSslResponse();
                ctx.writeAndFlush(PgFrontendMessages.sslRequest(ctx.alloc()));
            } else {
                sendStartup(ctx);
            }
            ctx.read();
        }

        private void sendStartup(ChannelHandlerContext ctx) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("user", endpoint.user());
            p.put("database", endpoint.database());
            p.putAll(endpoint.startupParameters());
            ctx.writeAndFlush(PgFrontendMessages.startupMessage(ctx.alloc(), p));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (done) {
                    return;
                }
                if (msg == PgBackendDecoder.SslResponse.ACCEPTED) {
                    startTls(ctx);
                } else if (msg == PgBackendDecoder.SslResponse.REFUSED) {
                    if (endpoint.sslMode().requiresTls()) {
                        fail(ctx, Failure.OTHER, "server does not support SSL, but SSL was required", "08001", null, null);
                    } else {
                        sendStartup(ctx);
                    }
                } else if (msg instanceof PgMessage) {
                    message(ctx, (PgMessage) msg);
                }
            } catch (PgProtocolException e) {
                fail(ctx, Failure.OTHER, e.getMessage(), e.sqlState(), null, e);
            } catch (ScramException e) {
                fail(ctx, Failure.OTHER, "SCRAM authentication failed: " + e.getMessage(), e.sqlState(), null, e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void startTls(ChannelHandlerContext ctx) {
            SslHandler ssl = sslContext.newHandler(ctx.alloc(), endpoint.host(), endpoint.port());
            ctx.pipeline().addFirst(TLS_NAME, ssl);
            ssl.handshakeFuture().addListener(h -> {
                if (done) {
                    return;
                }
                if (h.isSuccess()) {
                    sendStartup(ctx);
                    ctx.read();
                } else {
                    fail(ctx, Failure.TLS_HANDSHAKE, "TLS handshake failed: " + describe(h.cause()), "08001", null, h.cause());
                }
            });
        }

        private void message(ChannelHandlerContext ctx, PgMessage m) throws ScramException {
            switch (m.type()) {
                case PgBackendMessages.ERROR_RESPONSE: {
                    PgBackendMessages.Notice n = PgBackendMessages.notice(m);
                    fail(ctx, authenticated ? Failure.OTHER : Failure.SERVER_REFUSED, n.message(),
                            n.sqlState() == null ? "08006" : n.sqlState(), n, null);
                    return;
                }
                case PgBackendMessages.NOTICE_RESPONSE:
                    LOG.debug("server {} during startup: {}", endpoint, PgBackendMessages.notice(m));
                    return;
                case PgBackendMessages.AUTHENTICATION:
                    authenticate(ctx, PgBackendMessages.authentication(m));
                    return;
                case PgBackendMessages.PARAMETER_STATUS: {
                    PgBackendMessages.ParameterStatus s = PgBackendMessages.parameterStatus(m);
                    parameters.put(s.name(), s.value());
                    return;
                }
                case PgBackendMessages.BACKEND_KEY_DATA:
                    keyData = PgBackendMessages.backendKeyData(m);
                    return;
                case PgBackendMessages.NEGOTIATE_PROTOCOL_VERSION:
                    return; // we ask for 3.0 without options: nothing to give up
                case PgBackendMessages.READY_FOR_QUERY:
                    if (!authenticated) {
                        throw PgProtocolException.violation("ReadyForQuery before AuthenticationOk");
                    }
                    done = true;
                    ctx.pipeline().remove(this);
                    promise.trySuccess(new PgServerConnection(ctx.channel(), endpoint, parameters, keyData));
                    return;
                default:
                    throw PgProtocolException.violation("unexpected message type " + PgMessage.typeName(m.type()) + " during startup");
            }
        }

        private String password(ChannelHandlerContext ctx) {
            String pw;
            try {
                pw = endpoint.password() == null ? null : endpoint.password().call();
            } catch (SQLException e) {
                fail(ctx, Failure.OTHER, e.getMessage(), e.getSQLState() == null ? "08001" : e.getSQLState(), null, e);
                return null;
            } catch (Exception e) {
                fail(ctx, Failure.OTHER, "reading the password failed (" + e.getClass().getSimpleName() + ")", "08001", null, e);
                return null;
            }
            if (pw == null || pw.isEmpty()) {
                fail(ctx, Failure.OTHER, "the server requested password-based authentication, but no password was provided",
                        "08004", null, null);
                return null;
            }
            return pw;
        }

        private void authenticate(ChannelHandlerContext ctx, PgBackendMessages.Authentication a) throws ScramException {
            switch (a.code()) {
                case PgBackendMessages.AUTH_OK:
                    authenticated = true;
                    return;
                case PgBackendMessages.AUTH_CLEARTEXT_PASSWORD: {
                    String pw = password(ctx);
                    if (pw != null) {
                        ctx.writeAndFlush(PgFrontendMessages.passwordMessage(ctx.alloc(), pw));
                    }
                    return;
                }
                case PgBackendMessages.AUTH_MD5_PASSWORD: {
                    String pw = password(ctx);
                    if (pw != null) {
                        ctx.writeAndFlush(PgFrontendMessages.passwordMessage(ctx.alloc(), PgMd5.response(endpoint.user(), pw, a.data())));
                    }
                    return;
                }
                case PgBackendMessages.AUTH_SASL: {
                    List<String> mechanisms = a.saslMechanisms();
                    if (!mechanisms.contains(Scram.MECHANISM)) {
                        fail(ctx, Failure.OTHER, "the server offers SASL mechanisms " + mechanisms + ", none of which the proxy supports",
                                "28000", null, null);
                        return;
                    }
                    String pw = password(ctx);
                    if (pw != null) {
                        scram = new ScramClientExchange(pw);
                        ctx.writeAndFlush(PgFrontendMessages.saslInitialResponse(ctx.alloc(), Scram.MECHANISM,
                                scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8)));
                    }
                    return;
                }
                case PgBackendMessages.AUTH_SASL_CONTINUE:
                    if (scram == null) {
                        throw PgProtocolException.violation("AuthenticationSASLContinue without AuthenticationSASL");
                    }
                    ctx.writeAndFlush(PgFrontendMessages.saslResponse(ctx.alloc(),
                            scram.handleServerFirst(new String(a.data(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
                    return;
                case PgBackendMessages.AUTH_SASL_FINAL:
                    if (scram == null) {
                        throw PgProtocolException.violation("AuthenticationSASLFinal without AuthenticationSASL");
                    }
                    scram.handleServerFinal(new String(a.data(), StandardCharsets.UTF_8));
                    return;
                default:
                    fail(ctx, Failure.OTHER, "the server requested authentication method " + a.code()
                            + " (Kerberos, GSSAPI or SSPI), which the proxy does not support", "28000", null, null);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!done) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }

        void timeout(Channel ch) {
            if (!done) {
                done = true;
                promise.tryFailure(new AttemptFailed(Failure.OTHER, new PgServerException("timed out after "
                        + endpoint.connectTimeoutMs() + " ms connecting to server " + endpoint, "08001", null, null)));
                ch.close();
            }
        }

        private void fail(ChannelHandlerContext ctx, Failure kind, String message, String sqlState,
                          PgBackendMessages.Notice notice, Throwable cause) {
            if (done) {
                return;
            }
            done = true;
            promise.tryFailure(new AttemptFailed(kind, new PgServerException("server " + endpoint + ": " + message, sqlState, notice, cause)));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, Failure.OTHER, "the server closed the connection during startup", "08006", null, null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable c = cause;
            if (c instanceof PgProtocolException) {
                fail(ctx, Failure.OTHER, c.getMessage(), ((PgProtocolException) c).sqlState(), null, c);
                return;
            }
            if (c instanceof io.netty.handler.codec.DecoderException && c.getCause() instanceof javax.net.ssl.SSLException) {
                fail(ctx, Failure.TLS_HANDSHAKE, "TLS failed: " + describe(c.getCause()), "08001", null, c.getCause());
                return;
            }
            fail(ctx, Failure.OTHER, "connection failed during startup: " + describe(c), "08006", null, c);
        }
    }
}
