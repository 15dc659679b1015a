package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.tenantroute.proxy.testsupport.Leaks;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The auth state machine driven through EmbeddedChannel with our own SCRAM client; the same handler against real psql
 * is {@link PgFrontendAuthPsqlTest}.
 */
class PgFrontendAuthHandlerTest {
    private static final ByteBufAllocator A = ByteBufAllocator.DEFAULT;
    static final PgClientAuth USERS = PgClientAuth.of(List.of(
            PgClientAuth.User.scram("app", "app-pw"),
            PgClientAuth.User.md5("legacy", "legacy-pw")));

    @AfterAll
    static void noLeaks() {
        Leaks.assertNone();
    }

    /** Stands in for the session: adds the auth handler on the StartupMessage and records what reaches it after. */
    static final class Session extends ChannelInboundHandlerAdapter {
        final PgClientAuth auth;
        final List<PgAuthEvent> events = new ArrayList<>();
        final List<Object> after = new ArrayList<>();

        Session(PgClientAuth auth) {
            this.auth = auth;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PgStartupPacket.StartupMessage) {
                ctx.pipeline().addBefore(ctx.name(), "auth", new PgFrontendAuthHandler((PgStartupPacket.StartupMessage) msg, auth));
            } else {
                after.add(msg instanceof PgMessage ? (char) ((PgMessage) msg).type() : msg);
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof PgAuthEvent) {
                events.add((PgAuthEvent) evt);
                if (((PgAuthEvent) evt).authenticated()) {
                    ctx.flush(); // the real session writes ParameterStatus, BackendKeyData, ReadyForQuery first
                }
            }
        }
    }

    static final class Client {
        final Session session;
        final EmbeddedChannel ch;
        final EmbeddedChannel backend = new EmbeddedChannel(new PgBackendDecoder());

        Client(PgClientAuth auth, SocketAddress remote) {
            session = new Session(auth);
            ch = remote == null ? new EmbeddedChannel(new PgFrontendDecoder(), session)
                    : new EmbeddedChannel(new PgFrontendDecoder(), session) {
                        @Override
                        protected SocketAddress remoteAddress0() {
                            return remote;
                        }
                    };
        }

        void send(ByteBuf b) {
            ch.writeInbound(b);
        }

        void startup(String user, int version, Map<String, String> extra) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("user", user);
            p.put("database", "shop");
            p.putAll(extra);
            ByteBuf b = PgFrontendMessages.startupMessage(A, p);
            b.setInt(4, version);
            send(b);
        }

        /** @return the messages the proxy wrote since the last call, decoded; caller releases */
        List<PgMessage> received() {
            ByteBuf out;
            while ((out = ch.readOutbound()) != null) {
                backend.writeInbound(out);
            }
            List<PgMessage> msgs = new ArrayList<>();
            PgMessage m;
            while ((m = backend.readInbound()) != null) {
                msgs.add(m);
            }
            return msgs;
        }

        PgMessage one() {
            List<PgMessage> r = received();
            assertEquals(1, r.size(), r.toString());
            return r.get(0);
        }

        void finish() {
            received().forEach(ReferenceCountUtil::release);
            ch.finishAndReleaseAll();
            assertFalse(backend.finish());
        }
    }

    static int authCode(PgMessage m) {
        try {
            return PgBackendMessages.authentication(m).code();
        } finally {
            m.release();
        }
    }

    static PgBackendMessages.Notice error(PgMessage m) {
        try {
            assertEquals(PgBackendMessages.ERROR_RESPONSE, m.type());
            return PgBackendMessages.notice(m);
        } finally {
            m.release();
        }
    }

    /** Runs a SCRAM exchange as a client with {@code password}; returns the last messages the proxy sent. */
    static List<PgMessage> scram(Client c, String user, String password) throws ScramException {
        c.startup(user, PgStartupPacket.PROTOCOL_3_0, Map.of());
        PgMessage sasl = c.one();
        assertEquals(List.of("SCRAM-SHA-256"), PgBackendMessages.authentication(sasl).saslMechanisms(), "only SCRAM-SHA-256, no -PLUS");
        sasl.release();
        ScramClientExchange scram = new ScramClientExchange(password);
        c.send(PgFrontendMessages.saslInitialResponse(A, "SCRAM-SHA-256", scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8)));
        PgMessage cont = c.one();
        PgBackendMessages.Authentication a = PgBackendMessages.authentication(cont);
        cont.release();
        assertEquals(PgBackendMessages.AUTH_SASL_CONTINUE, a.code());
        String fin = scram.handleServerFirst(new String(a.data(), StandardCharsets.UTF_8));
        c.send(PgFrontendMessages.saslResponse(A, fin.getBytes(StandardCharsets.UTF_8)));
        List<PgMessage> last = c.received();
        if (last.size() == 2) {
            PgBackendMessages.Authentication f = PgBackendMessages.authentication(last.get(0));
            assertEquals(PgBackendMessages.AUTH_SASL_FINAL, f.code());
            scram.handleServerFinal(new String(f.data(), StandardCharsets.UTF_8));
        }
        return last;
    }

    @Test
    void scram_rightPassword_authenticationOkThenHandlerGone() throws ScramException {
        Client c = new Client(USERS, null);
        List<PgMessage> last = scram(c, "app", "app-pw");
        assertEquals(2, last.size());
        last.get(0).release();
        assertEquals(PgBackendMessages.AUTH_OK, authCode(last.get(1)));
        assertEquals(1, c.session.events.size());
        PgAuthEvent e = c.session.events.get(0);
        assertTrue(e.authenticated());
        assertEquals("scram-sha-256", e.method());
        assertEquals("app", e.startup().user());
        assertNull(c.ch.pipeline().get(PgFrontendAuthHandler.class), "removed after success");
        assertTrue(c.ch.isActive());
        // What follows goes to the session.
        c.send(PgFrontendMessages.query(A, "select 1"));
        assertEquals(List.of('Q'), c.session.after);
        c.finish();
    }

    @Test
    void scram_wrongPassword_fatal28P01AndClose() throws ScramException {
        Client c = new Client(USERS, null);
        List<PgMessage> last = scram(c, "app", "wrong");
        assertEquals(1, last.size());
        PgBackendMessages.Notice n = error(last.get(0));
        assertEquals("FATAL", n.severity());
        assertEquals("28P01", n.sqlState());
        assertEquals("password authentication failed for user \"app\"", n.message());
        assertFalse(c.ch.isOpen());
        assertFalse(c.session.events.get(0).authenticated());
        assertEquals("28P01", c.session.events.get(0).sqlState());
        c.finish();
    }

    @Test
    void unknownUser_getsTheSameExchangeAndTheSameError() throws ScramException {
        Client c = new Client(USERS, null);
        List<PgMessage> last = scram(c, "ghost", "anything");
        PgBackendMessages.Notice n = error(last.get(0));
        assertEquals("28P01", n.sqlState());
        assertEquals("password authentication failed for user \"ghost\"", n.message());
        c.finish();
    }

    @Test
    void md5_rightAndWrongPassword() {
        Client ok = new Client(USERS, null);
        ok.startup("legacy", PgStartupPacket.PROTOCOL_3_0, Map.of());
        PgMessage reqMsg = ok.one();
        PgBackendMessages.Authentication req = PgBackendMessages.authentication(reqMsg);
        reqMsg.release();
        assertEquals(PgBackendMessages.AUTH_MD5_PASSWORD, req.code());
        ok.send(PgFrontendMessages.passwordMessage(A, PgMd5.response("legacy", "legacy-pw", req.data())));
        assertEquals(PgBackendMessages.AUTH_OK, authCode(ok.one()));
        assertEquals("md5", ok.session.events.get(0).method());
        ok.finish();

        Client bad = new Client(USERS, null);
        bad.startup("legacy", PgStartupPacket.PROTOCOL_3_0, Map.of());
        PgMessage req2Msg = bad.one();
        PgBackendMessages.Authentication req2 = PgBackendMessages.authentication(req2Msg);
        req2Msg.release();
        bad.send(PgFrontendMessages.passwordMessage(A, PgMd5.response("legacy", "nope", req2.data())));
        assertEquals("28P01", error(bad.one()).sqlState());
        assertFalse(bad.ch.isOpen());
        bad.finish();
    }

    @Test
    void protocol32_negotiatedDownFirst() {
        Client c = new Client(PgClientAuth.loopbackOnly(), null);
        c.startup("app", PgStartupPacket.PROTOCOL_3_2, Map.of("_pq_.compression", "on"));
        List<PgMessage> r = c.received();
        assertEquals(2, r.size());
        PgBackendMessages.NegotiateProtocolVersion v = PgBackendMessages.negotiateProtocolVersion(r.get(0));
        assertEquals(PgStartupPacket.PROTOCOL_3_0, v.newestVersion());
        assertEquals(List.of("_pq_.compression"), v.unrecognizedOptions());
        r.get(0).release();
        assertEquals(PgBackendMessages.AUTH_OK, authCode(r.get(1)));
        c.finish();
    }

    @Test
    void loopbackOnly_admitsLoopbackRefusesOthers() {
        Client local = new Client(PgClientAuth.loopbackOnly(), new InetSocketAddress("127.0.0.1", 40000));
        local.startup("anyone", PgStartupPacket.PROTOCOL_3_0, Map.of());
        assertEquals(PgBackendMessages.AUTH_OK, authCode(local.one()));
        assertEquals("trust", local.session.events.get(0).method());
        local.finish();

        Client remote = new Client(PgClientAuth.loopbackOnly(), new InetSocketAddress("10.1.2.3", 40000));
        remote.startup("anyone", PgStartupPacket.PROTOCOL_3_0, Map.of());
        PgBackendMessages.Notice n = error(remote.one());
        assertEquals("28000", n.sqlState());
        assertTrue(n.message().contains("10.1.2.3 is not one"), n.message());
        assertFalse(remote.ch.isOpen());
        remote.finish();
    }

    @Test
    void otherMessageDuringAuth_fatal08P01() {
        Client c = new Client(USERS, null);
        c.startup("app", PgStartupPacket.PROTOCOL_3_0, Map.of());
        c.received().forEach(ReferenceCountUtil::release);
        c.send(PgFrontendMessages.query(A, "select 1"));
        PgBackendMessages.Notice n = error(c.one());
        assertEquals("08P01", n.sqlState());
        assertFalse(c.ch.isOpen());
        c.finish();
    }

    @Test
    void wrongMechanism_fatal08P01() {
        Client c = new Client(USERS, null);
        c.startup("app", PgStartupPacket.PROTOCOL_3_0, Map.of());
        c.received().forEach(ReferenceCountUtil::release);
        c.send(PgFrontendMessages.saslInitialResponse(A, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=x".getBytes(StandardCharsets.UTF_8)));
        assertEquals("08P01", error(c.one()).sqlState());
        c.finish();
    }

    @Test
    void malformedFrameDuringAuth_fatal08P01() {
        Client c = new Client(USERS, null);
        c.startup("app", PgStartupPacket.PROTOCOL_3_0, Map.of());
        c.received().forEach(ReferenceCountUtil::release);
        c.send(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'p', 0, 0, 0, 1}));
        PgBackendMessages.Notice n = error(c.one());
        assertEquals("08P01", n.sqlState());
        assertTrue(n.message().contains("invalid message length 1"), n.message());
        assertFalse(c.ch.isOpen());
        c.finish();
    }

    @Test
    void silentClient_timesOut57014() {
        Client c = new Client(USERS.withAuthenticationTimeoutMs(100), null);
        c.startup("app", PgStartupPacket.PROTOCOL_3_0, Map.of());
        c.received().forEach(ReferenceCountUtil::release);
        c.ch.advanceTimeBy(101, TimeUnit.MILLISECONDS);
        c.ch.runScheduledPendingTasks();
        PgBackendMessages.Notice n = error(c.one());
        assertEquals("57014", n.sqlState());
        assertEquals("canceling authentication due to timeout", n.message());
        assertFalse(c.ch.isOpen());
        c.finish();
    }
}
