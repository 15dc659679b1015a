package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The frontend auth state machine on an {@link EmbeddedChannel}: greeting fields and every refusal. */
class MySqlFrontendAuthHandlerTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() throws Exception {
        alloc.assertAllReleased();
    }

    private EmbeddedChannel channel(MySqlFrontendAuthConfig cfg, Promise<MySqlClientLogin>[] result) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.config().setAllocator(alloc);
        ch.register();
        Promise<MySqlClientLogin> p = ch.eventLoop().newPromise();
        result[0] = p;
        ch.pipeline().addLast(new MySqlPacketDecoder(), MySqlPacketEncoder.INSTANCE, new MySqlFrontendAuthHandler(cfg, 77, p));
        return ch;
    }

    private HandshakeV10 readGreeting(EmbeddedChannel ch) {
        ByteBuf frame = ch.readOutbound();
        assertEquals(0, frame.getUnsignedByte(3));
        HandshakeV10 h = HandshakeV10.parse(frame.slice(4, frame.readableBytes() - 4));
        frame.release();
        return h;
    }

    private void send(EmbeddedChannel ch, int seq, ByteBuf payload) {
        ch.writeInbound(MySqlPacketEncoder.frame(alloc, seq, payload));
        payload.release();
    }

    /** @return the ERR the client got, after checking the channel closed */
    private ErrPacket readErr(EmbeddedChannel ch, int expectedSeq) {
        ByteBuf frame = ch.readOutbound();
        assertEquals(expectedSeq, frame.getUnsignedByte(3));
        ErrPacket e = ErrPacket.parse(frame.slice(4, frame.readableBytes() - 4));
        frame.release();
        assertFalse(ch.isOpen(), "closed after the ERR");
        return e;
    }

    private ByteBuf response(String user, byte[] auth, String plugin, String db) {
        long caps = MySqlCapabilities.PROXY_SERVER;
        return new HandshakeResponse41(caps, 1 << 24, 45, user, auth, db, plugin,
                Map.of(MySqlClientLogin.TENANT_ATTRIBUTE, "acme")).toPayload(alloc);
    }

    @SuppressWarnings("unchecked")
    private static Promise<MySqlClientLogin>[] holder() {
        return new Promise[1];
    }

    @Test
    void greeting_carriesTheConfiguredServerFacts_andSslOnlyWithACertificate() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS)
                .withServerVersion("5.5.5-10.11.19-MariaDB"), r);
        HandshakeV10 h = readGreeting(ch);
        assertEquals("5.5.5-10.11.19-MariaDB", h.serverVersion());
        assertEquals(77, h.connectionId());
        assertEquals(CachingSha2Password.PLUGIN_NAME, h.authPluginName());
        assertEquals(MySqlCapabilities.PROXY_SERVER, h.capabilities());
        assertFalse(MySqlCapabilities.has(h.capabilities(), MySqlCapabilities.CLIENT_SSL));
        assertEquals(20, h.authPluginData().length);
        assertEquals(MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT, h.statusFlags());
        assertFalse(ch.finish());
    }

    @Test
    void cachingSha2FastPath_answersFastAuthSuccessThenOk_andReportsTheLogin() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS), r);
        HandshakeV10 h = readGreeting(ch);
        send(ch, 1, response("app", CachingSha2Password.scramble("s3cret-ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                h.authPluginData()), CachingSha2Password.PLUGIN_NAME, "shop"));
        ByteBuf more = ch.readOutbound();
        assertEquals(2, more.getUnsignedByte(3));
        assertEquals(CachingSha2Password.FAST_AUTH_SUCCESS, AuthMoreData.data(more.slice(4, more.readableBytes() - 4))[0]);
        more.release();
        ByteBuf ok = ch.readOutbound();
        assertEquals(3, ok.getUnsignedByte(3));
        assertTrue(OkPacket.isOk(ok.slice(4, ok.readableBytes() - 4)));
        ok.release();
        MySqlClientLogin l = r[0].getNow();
        assertEquals("app", l.user());
        assertEquals("shop", l.database());
        assertEquals(java.util.Optional.of("acme"), l.tenantAttribute());
        assertNull(ch.pipeline().get(MySqlFrontendAuthHandler.class), "removed after the login");
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void loginCheck_canRefuseTheDatabase() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS)
                .withPlugins(MySqlNativePassword.PLUGIN_NAME, MySqlFrontendAuthConfig.SUPPORTED_PLUGINS)
                .withLoginCheck(l -> "shop".equals(l.database()) ? null
                        : new ErrPacket(ErrPacket.ER_BAD_DB_ERROR, "42000", "Unknown database '" + l.database() + "'")), r);
        HandshakeV10 h = readGreeting(ch);
        send(ch, 1, response("app", MySqlNativePassword.scramble("s3cret-ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                h.authPluginData()), MySqlNativePassword.PLUGIN_NAME, "other"));
        ErrPacket e = readErr(ch, 2);
        assertEquals(1049, e.errorCode());
        assertEquals("42000", e.sqlState());
        assertEquals(1049, assertInstanceOf(MySqlException.class, r[0].cause()).getErrorCode());
        assertFalse(ch.finish());
    }

    @Test
    void malformedResponse_isBadHandshake_andCloses() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS), r);
        readGreeting(ch);
        send(ch, 1, alloc.buffer().writeBytes(new byte[] {1, 2, 3}));
        ErrPacket e = readErr(ch, 2);
        assertEquals(MySqlProtocolException.ER_HANDSHAKE_ERROR, e.errorCode());
        assertEquals("08S01", e.sqlState());
        assertTrue(r[0].isDone() && !r[0].isSuccess());
        assertFalse(ch.finish());
    }

    @Test
    void packetOutOfSequence_isRefused() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS), r);
        readGreeting(ch);
        send(ch, 5, response("app", new byte[20], MySqlNativePassword.PLUGIN_NAME, null));
        assertEquals(MySqlProtocolException.ER_NET_PACKETS_OUT_OF_ORDER, readErr(ch, 6).errorCode());
        assertFalse(ch.finish());
    }

    @Test
    void sslRequestWithoutACertificate_isRefusedClearly() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS), r);
        readGreeting(ch);
        send(ch, 1, HandshakeResponse41.sslRequest(alloc, MySqlCapabilities.PROXY_SERVER, 1 << 24, 45));
        ErrPacket e = readErr(ch, 2);
        assertTrue(e.message().contains("TLS is not configured"), e.message());
        assertFalse(ch.finish());
    }

    @Test
    void withoutUsers_aNonLoopbackClientIsRefused1130() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = channel(MySqlFrontendAuthConfig.defaults(null), r); // EmbeddedChannel's address is not loopback
        readGreeting(ch);
        send(ch, 1, response("app", new byte[0], MySqlNativePassword.PLUGIN_NAME, null));
        ErrPacket e = readErr(ch, 2);
        assertEquals(ErrPacket.ER_HOST_NOT_PRIVILEGED, e.errorCode());
        assertTrue(e.message().contains("only loopback clients"), e.message());
        assertFalse(ch.finish());
    }

    @Test
    void oversizedPacketDuringTheHandshake_getsAnErrAndCloses() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.config().setAllocator(alloc);
        ch.register();
        Promise<MySqlClientLogin> p = ch.eventLoop().newPromise();
        r[0] = p;
        ch.pipeline().addLast(new MySqlPacketDecoder(64), MySqlPacketEncoder.INSTANCE,
                new MySqlFrontendAuthHandler(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS), 1, p));
        readGreeting(ch);
        ch.writeInbound(alloc.buffer().writeMediumLE(1000).writeByte(1));
        ErrPacket e = readErr(ch, 1);
        assertEquals(MySqlProtocolException.ER_NET_PACKET_TOO_LARGE, e.errorCode());
        assertFalse(ch.finish());
    }

    /**
     * A client that sends its TLS ClientHello right behind the SSLRequest, in the same read: the bytes the first
     * decoder has not decoded must reach the TLS handler, not be read as MySQL frames.
     */
    @Test
    void sslRequestFollowedByTheClientHelloInOneRead_switchesToTls() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        EmbeddedChannel server = channel(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS)
                .withSslContext(TestTls.server()), r);
        HandshakeV10 h = readGreeting(server);
        assertTrue(MySqlCapabilities.has(h.capabilities(), MySqlCapabilities.CLIENT_SSL));
        EmbeddedChannel client = new EmbeddedChannel();
        client.config().setAllocator(alloc);
        io.netty.handler.ssl.SslHandler ssl = io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build().newHandler(alloc);
        client.pipeline().addLast(ssl);
        ByteBuf sslRequest = HandshakeResponse41.sslRequest(alloc, MySqlCapabilities.PROXY_SERVER, 1 << 24, 45);
        ByteBuf oneRead = MySqlPacketEncoder.frame(alloc, 1, sslRequest);
        sslRequest.release();
        ByteBuf hello;
        while ((hello = client.readOutbound()) != null) {
            oneRead.writeBytes(hello);
            hello.release();
        }
        server.writeInbound(oneRead);
        shuttle(server, client);
        assertTrue(ssl.handshakeFuture().isSuccess(), String.valueOf(ssl.handshakeFuture().cause()));
        ByteBuf response = response("app", CachingSha2Password.scramble("s3cret-ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                h.authPluginData()), CachingSha2Password.PLUGIN_NAME, null);
        client.writeOutbound(MySqlPacketEncoder.frame(alloc, 2, response));
        response.release();
        shuttle(server, client);
        assertTrue(r[0].isSuccess(), String.valueOf(r[0].cause()));
        assertTrue(r[0].getNow().tls());
        ByteBuf plain = alloc.buffer();
        ByteBuf b;
        while ((b = client.readInbound()) != null) {
            plain.writeBytes(b);
            b.release();
        }
        // AuthMoreData 0x03 (seq 3), then OK (seq 4), decrypted on the client side
        assertEquals(3, plain.getUnsignedByte(3));
        int okAt = 4 + plain.getUnsignedMediumLE(0);
        assertEquals(4, plain.getUnsignedByte(okAt + 3));
        assertEquals(0, plain.getUnsignedByte(okAt + 4));
        plain.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    private static void shuttle(EmbeddedChannel server, EmbeddedChannel client) {
        boolean moved = true;
        while (moved) {
            moved = false;
            Object o;
            while ((o = server.readOutbound()) != null) {
                client.writeInbound(o);
                moved = true;
            }
            while ((o = client.readOutbound()) != null) {
                server.writeInbound(o);
                moved = true;
            }
        }
    }

    @Test
    void noLoginWithinTheTimeout_isRefused() throws Exception {
        Promise<MySqlClientLogin>[] r = holder();
        MySqlFrontendAuthConfig base = MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS);
        MySqlFrontendAuthConfig cfg = new MySqlFrontendAuthConfig(base.serverVersion(), base.capabilities(), base.charset(),
                base.statusFlags(), base.credentials(), base.defaultPlugin(), base.acceptedPlugins(), null, null, 1);
        EmbeddedChannel ch = channel(cfg, r);
        readGreeting(ch);
        Thread.sleep(20);
        ch.runPendingTasks();
        ErrPacket e = readErr(ch, 0);
        assertTrue(e.message().contains("no login within 1 ms"), e.message());
        assertFalse(ch.finish());
    }
}
