package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the Connection Phase towards one client (MySQL Source Code Documentation, "Connection
 * Phase", "Protocol::HandshakeV10", "Protocol::SSLRequest", "Protocol::AuthSwitchRequest", "Caching_sha2_password
 * information"; MariaDB "Connection"):
 * <ol>
 *   <li>on channel active, greet with HandshakeV10 (sequence id 0) and a fresh 20-byte nonce;</li>
 *   <li>read the HandshakeResponse41 — or an SSLRequest, then switch the channel to TLS (an {@link SslHandler}
 *       from {@link MySqlFrontendAuthConfig#sslContext()} goes first in the pipeline, a new decoder after it)
 *       and read the response over TLS. Without a TLS context an SSLRequest gets ERR 1043/08S01 "TLS is not
 *       configured on this proxy" and the connection closes (a client that <em>requires</em> TLS already stops
 *       on its side, since the greeting lacks CLIENT_SSL);</li>
 *   <li>if the client answered with a plugin outside {@link MySqlFrontendAuthConfig#acceptedPlugins()}, send
 *       AuthSwitchRequest to the default plugin (same nonce) and read its answer;</li>
 *   <li>verify against {@link MySqlCredentials} — caching_sha2_password's fast path answers AuthMoreData 0x03
 *       first —, run the login check, send OK, remove itself from the pipeline and complete the promise with
 *       the {@link MySqlClientLogin};</li>
 *   <li>on a wrong password or unknown user: ERR 1045 / 28000 {@code Access denied for user 'x'@'host'
 *       (using password: YES|NO)}, close, fail the promise with that error as a {@link MySqlException}.</li>
 * </ol>
 * Without credentials (no users file) any user is admitted without a password check, from loopback addresses
 * only; others get ERR 1130 / HY000. A malformed packet, one out of sequence, or no login within the timeout:
 * ERR (the {@link MySqlProtocolException}'s code), close, promise failed.
 *
 * <p>Pipeline: it must follow a {@link MySqlPacketDecoder} and a {@link MySqlPacketEncoder}. It calls
 * {@code read()} itself while it needs input (works with AUTO_READ off); after the login it reads no more: the
 * session does. The promise completes on the event loop, after the OK was written and this handler removed,
 * so a listener can add the command handler. One instance per channel; event-loop confined.
 */
public final class MySqlFrontendAuthHandler extends ChannelInboundHandlerAdapter {
    /** Pipeline name of the {@link SslHandler} added after an SSLRequest. */
    public static final String TLS_HANDLER_NAME = "mysql-tls";
    /** Pipeline name of the decoder that replaces the first one after an SSLRequest. */
    public static final String TLS_DECODER_NAME = "mysql-tls-decoder";

    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { GREETING, AWAIT_RESPONSE, AWAIT_RESPONSE_AFTER_TLS, AWAIT_SWITCH_RESPONSE, DONE }

    private final MySqlFrontendAuthConfig config;
    private final long connectionId;
    private final Promise<MySqlClientLogin> result;
    private final byte[] nonce = newNonce();
    private State state = State.GREETING;
    private int expectedSequenceId;
    private boolean tls;
    private HandshakeResponse41 response;
    private Future<?> timeout;

    /**
     * @param config the greeting and users
     * @param connectionId the connection id announced to this client (the proxy's own, for KILL QUERY)
     * @param result completed with the login, or failed with a {@link MySqlException} (the ERR sent) or the
     *     channel's failure
     */
    public MySqlFrontendAuthHandler(MySqlFrontendAuthConfig config, long connectionId, Promise<MySqlClientLogin> result) {
        this.config = config;
        this.connectionId = connectionId & 0xFFFF_FFFFL;
        this.result = result;
    }

    /** @return printable nonce bytes (33–126 without '$'), as MySQL servers generate them; no NUL for clients to trip on */
    static byte[] newNonce() {
        byte[] n = new byte[20];
        for (int i = 0; i < n.length; i++) {
            int c;
            do {
                c = 33 + RANDOM.nextInt(94);
            } while (c == '$');
            n[i] = (byte) c;
        }
        return n;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            greet(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        greet(ctx);
        super.channelActive(ctx);
    }

    private void greet(ChannelHandlerContext ctx) {
        if (state != State.GREETING) {
            return;
        }
        state = State.AWAIT_RESPONSE;
        expectedSequenceId = 1;
        timeout = ctx.executor().schedule(() -> fail(ctx, new ErrPacket(MySqlProtocolException.ER_HANDSHAKE_ERROR,
                "08S01", "Bad handshake: no login within " + config.handshakeTimeoutMs() + " ms"), 0),
                config.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        HandshakeV10 greeting = new HandshakeV10(config.serverVersion(), connectionId, nonce,
                config.announcedCapabilities(), config.charset(), config.statusFlags(), config.defaultPlugin());
        ctx.writeAndFlush(new MySqlPacket(0, greeting.toPayload(ctx.alloc())));
        readMore(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MySqlPacket packet)) {
            if (state == State.AWAIT_RESPONSE_AFTER_TLS && msg instanceof ByteBuf raw) {
                // bytes after the SSLRequest, handed back by the removed decoder: they are TLS records
                ctx.pipeline().fireChannelRead(raw);
                return;
            }
            ReferenceCountUtil.release(msg);
            fail(ctx, new ErrPacket(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake"), 0);
            return;
        }
        try {
            if (state == State.DONE) {
                return;
            }
            if (packet.sequenceId() != expectedSequenceId) {
                throw new MySqlProtocolException(MySqlProtocolException.ER_NET_PACKETS_OUT_OF_ORDER, "08S01",
                        "Got packets out of order: sequence id " + packet.sequenceId() + ", expected " + expectedSequenceId);
            }
            int reply = packet.nextSequenceId();
            expectedSequenceId = (reply + 1) & 0xFF;
            switch (state) {
                case AWAIT_RESPONSE, AWAIT_RESPONSE_AFTER_TLS -> onResponse(ctx, packet.payload(), reply);
                case AWAIT_SWITCH_RESPONSE -> onSwitchResponse(ctx, packet.payload(), reply);
                default -> throw new IllegalStateException(state.name());
            }
        } catch (MySqlProtocolException e) {
            fail(ctx, e.toErrPacket(), packet.nextSequenceId());
        } finally {
            packet.release();
        }
    }

    private void onResponse(ChannelHandlerContext ctx, ByteBuf payload, int reply) {
        if (HandshakeResponse41.isSslRequest(payload)) {
            if (state == State.AWAIT_RESPONSE_AFTER_TLS) {
                throw new MySqlProtocolException(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                        "Bad handshake: a second SSLRequest");
            }
            if (config.sslContext() == null) {
                fail(ctx, new ErrPacket(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                        "TLS is not configured on this proxy (start it with a TLS certificate and key)"), reply);
                return;
            }
            expectedSequenceId = reply; // no answer to an SSLRequest: the response over TLS continues the sequence
            startTls(ctx);
            return;
        }
        response = HandshakeResponse41.parse(payload);
        if (config.credentials() == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            if (!isLoopback(remote)) {
                fail(ctx, new ErrPacket(ErrPacket.ER_HOST_NOT_PRIVILEGED, "HY000", "Host '" + host(ctx)
                        + "' is not allowed to connect to this TenantRoute proxy: without a users file only"
                        + " loopback clients are admitted"), reply);
                return;
            }
            succeed(ctx, "none", reply, false);
            return;
        }
        String plugin = response.authPluginName() != null ? response.authPluginName()
                : (response.capabilities() & MySqlCapabilities.CLIENT_PLUGIN_AUTH) == 0 ? MySqlNativePassword.PLUGIN_NAME : "";
        if (config.acceptedPlugins().contains(plugin)) {
            verify(ctx, plugin, response.authResponse(), reply);
        } else {
            state = State.AWAIT_SWITCH_RESPONSE;
            ctx.writeAndFlush(new MySqlPacket(reply,
                    new AuthSwitchRequest(config.defaultPlugin(), nonce).toPayload(ctx.alloc())));
            readMore(ctx);
        }
    }

    private void onSwitchResponse(ChannelHandlerContext ctx, ByteBuf payload, int reply) {
        byte[] data = new byte[payload.readableBytes()];
        payload.getBytes(payload.readerIndex(), data);
        verify(ctx, config.defaultPlugin(), data, reply);
    }

    private void verify(ChannelHandlerContext ctx, String plugin, byte[] authResponse, int reply) {
        boolean usingPassword = authResponse.length > 0 && !(authResponse.length == 1 && authResponse[0] == 0);
        boolean ok = config.credentials().secrets(response.username())
                .map(s -> s.verify(plugin, nonce, authResponse)).orElse(false);
        if (!ok) {
            fail(ctx, ErrPacket.accessDenied(response.username(), host(ctx), usingPassword), reply);
            return;
        }
        succeed(ctx, plugin, reply, CachingSha2Password.PLUGIN_NAME.equals(plugin) && usingPassword);
    }

    private void succeed(ChannelHandlerContext ctx, String plugin, int reply, boolean fastAuthSuccess) {
        long negotiated = response.capabilities() & config.announcedCapabilities();
        MySqlClientLogin login = new MySqlClientLogin(response.username(),
                response.database() == null || response.database().isEmpty() ? null : response.database(),
                negotiated, response.charset(), response.maxPacketSize(), response.connectAttributes(), plugin, tls,
                ctx.channel().remoteAddress(), connectionId, nonce);
        if (fastAuthSuccess) {
            ctx.write(new MySqlPacket(reply, AuthMoreData.toPayload(ctx.alloc(), (byte) CachingSha2Password.FAST_AUTH_SUCCESS)));
            reply = (reply + 1) & 0xFF;
        }
        ErrPacket refused = config.loginCheck() == null ? null : config.loginCheck().apply(login);
        if (refused != null) {
            fail(ctx, refused, reply);
            return;
        }
        state = State.DONE;
        cancelTimeout();
        ctx.writeAndFlush(new MySqlPacket(reply, OkPacket.of(config.statusFlags()).toPayload(ctx.alloc(), negotiated)));
        ctx.pipeline().remove(this);
        result.trySuccess(login);
    }

    private void startTls(ChannelHandlerContext ctx) {
        state = State.AWAIT_RESPONSE_AFTER_TLS;
        tls = true;
        ChannelPipeline p = ctx.pipeline();
        MySqlPacketDecoder old = p.get(MySqlPacketDecoder.class);
        p.addFirst(TLS_HANDLER_NAME, config.sslContext().newHandler(ctx.alloc()));
        p.addAfter(TLS_HANDLER_NAME, TLS_DECODER_NAME, new MySqlPacketDecoder(old.maxPayloadBytes()));
        // The old decoder hands its undecoded bytes (the ClientHello, when it came in the same read) to
        // channelRead as a ByteBuf when it is removed; they are fed to the TLS handler from there.
        p.remove(old);
        readMore(ctx);
    }

    private void fail(ChannelHandlerContext ctx, ErrPacket err, int sequenceId) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelTimeout();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new MySqlPacket(sequenceId, err.toPayload(ctx.alloc())))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        result.tryFailure(err.toException(""));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MySqlProtocolException e) {
            fail(ctx, e.toErrPacket(), expectedSequenceId);
        } else {
            if (state != State.DONE) {
                state = State.DONE;
                cancelTimeout();
                result.tryFailure(cause);
            }
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state != State.DONE) {
            state = State.DONE;
            cancelTimeout();
            result.tryFailure(new MySqlException("client closed the connection during the handshake", "08S01",
                    MySqlException.CR_SERVER_LOST));
        }
        super.channelInactive(ctx);
    }

    private static void readMore(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    private static boolean isLoopback(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null && i.getAddress().isLoopbackAddress();
    }

    private static String host(ChannelHandlerContext ctx) {
        SocketAddress a = ctx.channel().remoteAddress();
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return "localhost";
    }
}
