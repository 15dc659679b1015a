package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector's auth paths no server here can take: MySQL 8's caching_sha2_password full authentication
 * (RSA with a generated key pair, or the password over TLS) and a plugin we do not implement (MariaDB's
 * client_ed25519). The "server" is a script of real protocol packets built with this package's writers,
 * checking each packet the connector sends exactly as a MySQL 8 server would.
 */
class MySqlConnectorAuthPathsTest {
    static EventLoopGroup group;
    static KeyPair keys;
    static final String PASSWORD = "full-auth-pä$$";

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** What the script saw and any assertion it failed (event-loop failures would otherwise vanish). */
    static final class Log {
        final List<String> steps = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
    }

    interface Script {
        void onPacket(ChannelHandlerContext ctx, MySqlPacket p, int step, Log log) throws Exception;
    }

    static String pem(RSAPublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static final byte[] NONCE = MySqlFrontendAuthHandler.newNonce();

    static Channel scriptedServer(Script script, Log log, boolean tls) throws Exception {
        io.netty.handler.ssl.SslContext ssl = tls ? TestTls.server() : null;
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MySqlPacketDecoder(), MySqlPacketEncoder.INSTANCE);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            int step;

                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                long caps = MySqlCapabilities.PROXY_SERVER | (tls ? MySqlCapabilities.CLIENT_SSL : 0);
                                ctx.writeAndFlush(new MySqlPacket(0, new HandshakeV10("8.0.40", 7, NONCE, caps, 255, 2,
                                        CachingSha2Password.PLUGIN_NAME).toPayload(ctx.alloc())));
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                MySqlPacket p = (MySqlPacket) msg;
                                try {
                                    if (tls && HandshakeResponse41.isSslRequest(p.payload())) {
                                        log.steps.add("SSLRequest");
                                        ctx.pipeline().addFirst(ssl.newHandler(ctx.alloc()));
                                        return;
                                    }
                                    script.onPacket(ctx, p, step++, log);
                                } catch (Throwable t) {
                                    log.failures.add(t);
                                    ctx.close();
                                } finally {
                                    p.release();
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    static Future<MySqlServerConnection> connect(Channel server, MySqlServerEndpoint e) throws Exception {
        Future<MySqlServerConnection> f = new MySqlServerConnector(MySqlConnectOptions.defaults()).connect(group.next(), e);
        assertTrue(f.await(20, TimeUnit.SECONDS));
        return f;
    }

    static MySqlServerEndpoint endpoint(Channel server) {
        return MySqlServerEndpoint.of("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort(), null, "app", PASSWORD);
    }

    /** Step 0: the connector's first answer must be the caching_sha2 scramble; the cache "misses". */
    static void expectScrambleThenAskFullAuth(ChannelHandlerContext ctx, MySqlPacket p, Log log) {
        HandshakeResponse41 r = HandshakeResponse41.parse(p.payload());
        assertEquals(CachingSha2Password.PLUGIN_NAME, r.authPluginName());
        assertTrue(CachingSha2Password.verify(CachingSha2Password.storedDigest(PASSWORD.getBytes(StandardCharsets.UTF_8)),
                NONCE, r.authResponse()), "fast-path scramble");
        log.steps.add("scramble ok");
        ctx.writeAndFlush(new MySqlPacket(p.nextSequenceId(),
                AuthMoreData.toPayload(ctx.alloc(), (byte) CachingSha2Password.PERFORM_FULL_AUTHENTICATION)));
    }

    static void expectRsaPassword(ChannelHandlerContext ctx, MySqlPacket p, Log log) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.DECRYPT_MODE, keys.getPrivate(),
                new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
        byte[] plain = c.doFinal(ByteBufUtil.getBytes(p.payload()));
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= NONCE[i % 20];
        }
        assertArrayEquals((PASSWORD + "\0").getBytes(StandardCharsets.UTF_8), plain);
        log.steps.add("rsa password ok");
        ctx.writeAndFlush(new MySqlPacket(p.nextSequenceId(), OkPacket.of(2).toPayload(ctx.alloc(), MySqlCapabilities.PROXY_SERVER)));
    }

    static void check(Log log) {
        if (!log.failures.isEmpty()) {
            throw new AssertionError("script failed", log.failures.get(0));
        }
    }

    @Test
    void fullAuthentication_requestsThePublicKey_andSendsTheRsaEncryptedPassword() throws Exception {
        Log log = new Log();
        Channel server = scriptedServer((ctx, p, step, l) -> {
            switch (step) {
                case 0 -> expectScrambleThenAskFullAuth(ctx, p, l);
                case 1 -> {
                    assertArrayEquals(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY}, ByteBufUtil.getBytes(p.payload()));
                    l.steps.add("key requested");
                    ctx.writeAndFlush(new MySqlPacket(p.nextSequenceId(), AuthMoreData.toPayload(ctx.alloc(),
                            pem((RSAPublicKey) keys.getPublic()).getBytes(StandardCharsets.US_ASCII))));
                }
                case 2 -> expectRsaPassword(ctx, p, l);
                default -> throw new AssertionError("unexpected step " + step);
            }
        }, log, false);
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server).withRsaKey(true, null));
            check(log);
            assertTrue(f.isSuccess(), String.valueOf(f.cause()));
            assertEquals(List.of("scramble ok", "key requested", "rsa password ok"), log.steps);
            f.getNow().channel().close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void fullAuthentication_withAKnownKey_sendsTheEncryptedPasswordDirectly() throws Exception {
        Log log = new Log();
        Channel server = scriptedServer((ctx, p, step, l) -> {
            switch (step) {
                case 0 -> expectScrambleThenAskFullAuth(ctx, p, l);
                case 1 -> expectRsaPassword(ctx, p, l);
                default -> throw new AssertionError("unexpected step " + step);
            }
        }, log, false);
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server).withRsaKey(false, (RSAPublicKey) keys.getPublic()));
            check(log);
            assertTrue(f.isSuccess(), String.valueOf(f.cause()));
            f.getNow().channel().close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void fullAuthentication_withoutTlsOrKey_failsClearly2061() throws Exception {
        Log log = new Log();
        Channel server = scriptedServer((ctx, p, step, l) -> expectScrambleThenAskFullAuth(ctx, p, l), log, false);
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server));
            check(log);
            MySqlException e = assertInstanceOf(MySqlException.class, f.cause());
            assertEquals(MySqlServerConnector.CR_AUTH_PLUGIN_ERR, e.getErrorCode());
            assertTrue(e.getMessage().contains("allowPublicKeyRetrieval"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD));
        } finally {
            server.close().sync();
        }
    }

    @Test
    void fullAuthentication_overTls_sendsThePasswordInClear() throws Exception {
        Log log = new Log();
        Channel server = scriptedServer((ctx, p, step, l) -> {
            switch (step) {
                case 0 -> expectScrambleThenAskFullAuth(ctx, p, l);
                case 1 -> {
                    assertArrayEquals((PASSWORD + "\0").getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(p.payload()));
                    l.steps.add("clear password over tls");
                    ctx.writeAndFlush(new MySqlPacket(p.nextSequenceId(), OkPacket.of(2).toPayload(ctx.alloc(), 0)));
                }
                default -> throw new AssertionError("unexpected step " + step);
            }
        }, log, true);
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server).withTlsMode(MySqlTlsMode.REQUIRED));
            check(log);
            assertTrue(f.isSuccess(), String.valueOf(f.cause()));
            assertTrue(f.getNow().tls());
            assertEquals(List.of("SSLRequest", "scramble ok", "clear password over tls"), log.steps);
            f.getNow().channel().close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void authSwitchToAPluginWeDoNotImplement_fails2059NamingIt() throws Exception {
        Log log = new Log();
        Channel server = scriptedServer((ctx, p, step, l) -> {
            ctx.writeAndFlush(new MySqlPacket(p.nextSequenceId(),
                    new AuthSwitchRequest("client_ed25519", NONCE).toPayload(ctx.alloc())));
        }, log, false);
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server));
            check(log);
            MySqlException e = assertInstanceOf(MySqlException.class, f.cause());
            assertEquals(MySqlException.CR_AUTH_PLUGIN_CANNOT_LOAD, e.getErrorCode());
            assertTrue(e.getMessage().contains("'client_ed25519'"), e.getMessage());
        } finally {
            server.close().sync();
        }
    }

    @Test
    void serverErrBeforeTheGreeting_isCarried() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(MySqlPacketEncoder.INSTANCE);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                // as a server at max_connections: ERR without the SQLSTATE marker
                                ctx.writeAndFlush(new MySqlPacket(0, Unpooled.wrappedBuffer(new byte[] {
                                    (byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o', ' ', 'm', 'a', 'n', 'y'})));
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        try {
            Future<MySqlServerConnection> f = connect(server, endpoint(server));
            MySqlException e = assertInstanceOf(MySqlException.class, f.cause());
            assertEquals(1040, e.getErrorCode());
            assertTrue(e.getMessage().endsWith("Too many"), e.getMessage());
        } finally {
            server.close().sync();
        }
    }

}
