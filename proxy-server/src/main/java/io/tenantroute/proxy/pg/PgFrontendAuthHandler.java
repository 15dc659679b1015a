package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tenantroute.proxy.internal.Channels;
import io.tenantroute.proxy.internal.UsersFile;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Authenticates one client after its StartupMessage (the PostgreSQL manual, "Frontend/Backend Protocol" →
 * "Message Flow" → "Start-up", and "SASL Authentication"; RFC 5802 / RFC 7677 for SCRAM-SHA-256).
 *
 * <p><b>Use.</b> When the session reads the client's {@link PgStartupPacket.StartupMessage}, it adds this handler in
 * front of itself ({@code pipeline.addBefore(sessionCtx.name(), null, new PgFrontendAuthHandler(startup, auth))}).
 * The handler then, at once:
 * <ol>
 *   <li>answers a client that asked for protocol 3.x with x &gt; 0 or for {@code _pq_.} options with
 *       NegotiateProtocolVersion 3.0 listing those options (as PostgreSQL does; the session goes on in 3.0);</li>
 *   <li>with {@link PgClientAuth#loopbackOnly()}: succeeds for a loopback client (or a non-IP one, e.g. a Unix
 *       socket), else fails with {@code 28000};</li>
 *   <li>otherwise sends AuthenticationSASL offering only {@code SCRAM-SHA-256} — or AuthenticationMD5Password with a
 *       random salt when the user's entry says {@code method: md5} — and consumes the {@code 'p'} messages
 *       (SASLInitialResponse, SASLResponse, or PasswordMessage) until the outcome. An unknown user gets the SCRAM
 *       exchange of {@link ScramServerExchange#mock} and the same {@code 28P01} as a wrong password.</li>
 * </ol>
 * <b>Success:</b> AuthenticationOk is written (not flushed), the handler removes itself and fires a
 * {@link PgAuthEvent} with {@code authenticated = true} to the handlers after it; the session writes its
 * ParameterStatus, BackendKeyData and ReadyForQuery and flushes. <b>Failure:</b> ErrorResponse {@code FATAL} —
 * {@code 28P01 password authentication failed for user "x"}, {@code 28000}, {@code 08P01} for a message that is not
 * the expected response, {@code 57014} after {@link PgClientAuth#authenticationTimeoutMs()} — then flush and close,
 * and a {@link PgAuthEvent} with {@code authenticated = false}. A {@link PgProtocolException} from the decoder
 * during authentication gets the same treatment.
 *
 * <p>Works with {@code AUTO_READ} on or off (off: it calls {@code read()} whenever it waits for the client). One
 * instance per connection; event loop only.
 */
public final class PgFrontendAuthHandler extends ChannelInboundHandlerAdapter {
    private enum State { NEW, SASL_INITIAL, SASL_CONTINUE, MD5, DONE }

    private final PgStartupPacket.StartupMessage startup;
    private final PgClientAuth auth;
    private PgClientAuth.User user;
    private State state = State.NEW;
    private ScramServerExchange scram;
    private byte[] md5Salt;
    private ScheduledFuture<?> timeout;

    /**
     * @param startup the client's StartupMessage
     * @param auth how to authenticate, shared by the listener
     */
    public PgFrontendAuthHandler(PgStartupPacket.StartupMessage startup, PgClientAuth auth) {
        this.startup = startup;
        this.auth = auth;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (state != State.NEW) {
            return;
        }
        ByteBufAllocator alloc = ctx.alloc();
        if (startup.needsNegotiation()) {
            ctx.write(PgBackendMessages.negotiateProtocolVersion(alloc, PgStartupPacket.PROTOCOL_3_0, startup.protocolOptions()));
        }
        if (auth.isLoopbackOnly()) {
            SocketAddress remote = ctx.channel().remoteAddress();
            if (remote instanceof InetSocketAddress && !((InetSocketAddress) remote).getAddress().isLoopbackAddress()) {
                fail(ctx, "28000", "no users file: the proxy admits only loopback clients without a password, and "
                        + ((InetSocketAddress) remote).getAddress().getHostAddress() + " is not one (user \"" + startup.user() + "\")");
                return;
            }
            succeed(ctx, "trust");
            return;
        }
        user = auth.user(startup.user()).orElse(null);
        if (user != null && user.method() == UsersFile.Method.MD5) {
            md5Salt = Scram.random(4);
            ctx.write(PgBackendMessages.authenticationMd5Password(alloc, md5Salt));
            state = State.MD5;
        } else {
            scram = user != null ? new ScramServerExchange(user.scramCredentials())
                    : ScramServerExchange.mock(startup.user(), auth.mockSecret());
            ctx.write(PgBackendMessages.authenticationSasl(alloc, Scram.MECHANISM));
            state = State.SASL_INITIAL;
        }
        ctx.flush();
        timeout = ctx.executor().schedule(() -> {
            if (state != State.DONE) {
                fail(ctx, "57014", "canceling authentication due to timeout");
            }
        }, auth.authenticationTimeoutMs(), TimeUnit.MILLISECONDS);
        readIfNeeded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (!(msg instanceof PgMessage)) {
                fail(ctx, PgProtocolException.PROTOCOL_VIOLATION, "expected a password response, got " + msg.getClass().getSimpleName());
                return;
            }
            PgMessage m = (PgMessage) msg;
            if (m.type() == PgFrontendMessages.TERMINATE) {
                state = State.DONE;
                cancelTimeout();
                fire(ctx, false, "08006", "client sent Terminate during authentication");
                ctx.close();
                return;
            }
            if (m.type() != PgFrontendMessages.PASSWORD) {
                fail(ctx, PgProtocolException.PROTOCOL_VIOLATION, "expected password response, got message type "
                        + PgMessage.typeName(m.type()));
                return;
            }
            step(ctx, m);
        } catch (PgProtocolException e) {
            fail(ctx, e.sqlState(), e.getMessage());
        } catch (ScramException e) {
            if (ScramException.INVALID_PASSWORD.equals(e.sqlState())) {
                failPassword(ctx);
            } else {
                fail(ctx, e.sqlState(), e.getMessage());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (state != State.DONE) {
            readIfNeeded(ctx);
        }
    }

    private void step(ChannelHandlerContext ctx, PgMessage m) throws ScramException {
        switch (state) {
            case SASL_INITIAL: {
                PgFrontendMessages.SaslInitialResponse r = PgFrontendMessages.saslInitialResponse(m);
                if (!Scram.MECHANISM.equals(r.mechanism())) {
                    fail(ctx, PgProtocolException.PROTOCOL_VIOLATION, "client selected an invalid SASL authentication mechanism");
                    return;
                }
                if (r.data() == null) {
                    throw ScramException.malformed("no client-first-message in SASLInitialResponse");
                }
                String serverFirst = scram.handleClientFirst(utf8(r.data()));
                state = State.SASL_CONTINUE;
                ctx.writeAndFlush(PgBackendMessages.authenticationSaslContinue(ctx.alloc(), serverFirst.getBytes(StandardCharsets.UTF_8)));
                return;
            }
            case SASL_CONTINUE: {
                String serverFinal = scram.handleClientFinal(utf8(PgFrontendMessages.saslResponse(m)));
                ctx.write(PgBackendMessages.authenticationSaslFinal(ctx.alloc(), serverFinal.getBytes(StandardCharsets.UTF_8)));
                succeed(ctx, UsersFile.Method.SCRAM_SHA_256.configName());
                return;
            }
            case MD5: {
                String response = PgFrontendMessages.password(m);
                if (user != null && PgMd5.verify(user.md5Hash(), md5Salt, response)) {
                    succeed(ctx, UsersFile.Method.MD5.configName());
                } else {
                    failPassword(ctx);
                }
                return;
            }
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private static String utf8(byte[] data) throws ScramException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw ScramException.malformed("not valid UTF-8");
        }
    }

    private void succeed(ChannelHandlerContext ctx, String method) {
        state = State.DONE;
        cancelTimeout();
        ctx.write(PgBackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new PgAuthEvent(startup, true, method, null, null));
    }

    private void failPassword(ChannelHandlerContext ctx) {
        fail(ctx, ScramException.INVALID_PASSWORD, "password authentication failed for user \"" + startup.user() + "\"");
    }

    private void fail(ChannelHandlerContext ctx, String sqlState, String message) {
        state = State.DONE;
        cancelTimeout();
        ctx.write(PgBackendMessages.errorResponse(ctx.alloc(), PgBackendMessages.Severity.FATAL, sqlState, message));
        Channels.flushAndClose(ctx.channel());
        fire(ctx, false, sqlState, message);
    }

    private void fire(ChannelHandlerContext ctx, boolean ok, String sqlState, String message) {
        String method = user != null ? user.method().configName() : auth.isLoopbackOnly() ? "trust" : "scram-sha-256";
        ctx.fireUserEventTriggered(new PgAuthEvent(startup, ok, method, sqlState, message));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private static void readIfNeeded(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state != State.DONE) {
            state = State.DONE;
            cancelTimeout();
            fire(ctx, false, "08006", "client disconnected during authentication");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (state != State.DONE && cause instanceof PgProtocolException) {
            fail(ctx, ((PgProtocolException) cause).sqlState(), cause.getMessage());
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }
}
