package io.tenantroute.proxy.pg;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.tenantroute.proxy.internal.Channels;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Test only: the smallest PostgreSQL "server" that real clients accept, made of {@link PgFrontendDecoder},
 * {@link PgTls} and {@link PgFrontendAuthHandler}: it answers SSLRequest ('S' with a certificate, else 'N'),
 * authenticates, sends a few ParameterStatus, BackendKeyData and ReadyForQuery, and answers a Query with a fixed
 * CommandComplete {@code TRTEST <user>} — or with an ErrorResponse {@code 42000 test failure} when the query text
 * contains "fail". It records each connection's startup, TLS state and authentication outcome.
 */
final class PgTestServer implements AutoCloseable {
    /** One client connection as the server saw it. */
    record Session(PgStartupPacket.StartupMessage startup, boolean tls, PgAuthEvent auth) {
    }

    final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    PgTestServer(PgClientAuth auth, SslContext tls) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("decoder", new PgFrontendDecoder());
                        ch.pipeline().addLast("session", new SessionHandler(auth, tls));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private final class SessionHandler extends ChannelInboundHandlerAdapter {
        private final PgClientAuth auth;
        private final SslContext tls;
        private PgStartupPacket.StartupMessage startup;
        private boolean tlsAtStartup;

        SessionHandler(PgClientAuth auth, SslContext tls) {
            this.auth = auth;
            this.tls = tls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof PgStartupPacket.SslRequest) {
                    if (tls != null) {
                        PgTls.startServerTls(ctx.channel(), tls);
                    } else {
                        PgTls.refuse(ctx.channel());
                    }
                } else if (msg instanceof PgStartupPacket.GssEncRequest) {
                    PgTls.refuse(ctx.channel());
                } else if (msg instanceof PgStartupPacket.CancelRequest) {
                    ctx.close();
                } else if (msg instanceof PgStartupPacket.StartupMessage) {
                    startup = (PgStartupPacket.StartupMessage) msg;
                    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                    tlsAtStartup = ssl != null && ssl.handshakeFuture().isSuccess();
                    ctx.pipeline().addBefore(ctx.name(), "auth", new PgFrontendAuthHandler(startup, auth));
                } else if (msg instanceof PgMessage) {
                    PgMessage m = (PgMessage) msg;
                    if (m.type() == PgFrontendMessages.QUERY) {
                        String sql = PgFrontendMessages.query(m);
                        if (sql.contains("fail")) {
                            ctx.write(PgBackendMessages.errorResponse(ctx.alloc(), PgBackendMessages.Severity.ERROR, "42000",
                                    "test failure", "the test server fails on purpose", null));
                        } else {
                            ctx.write(PgBackendMessages.commandComplete(ctx.alloc(), "TRTEST " + startup.user()));
                        }
                        ctx.writeAndFlush(PgBackendMessages.readyForQuery(ctx.alloc(), PgTransactionStatus.IDLE));
                    } else if (m.type() == PgFrontendMessages.TERMINATE) {
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof PgAuthEvent)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            PgAuthEvent e = (PgAuthEvent) evt;
            sessions.add(new Session(startup, tlsAtStartup, e));
            if (e.authenticated()) {
                String[][] params = {{"server_version", "15.0 (TenantRoute test)"}, {"server_encoding", "UTF8"},
                        {"client_encoding", "UTF8"}, {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"},
                        {"standard_conforming_strings", "on"}, {"TimeZone", "UTC"}};
                for (String[] p : params) {
                    ctx.write(PgBackendMessages.parameterStatus(ctx.alloc(), p[0], p[1]));
                }
                ctx.write(PgBackendMessages.backendKeyData(ctx.alloc(), 4242, 0x5eed));
                ctx.writeAndFlush(PgBackendMessages.readyForQuery(ctx.alloc(), PgTransactionStatus.IDLE));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof PgProtocolException) {
                ctx.write(PgBackendMessages.errorResponse(ctx.alloc(), PgBackendMessages.Severity.FATAL,
                        ((PgProtocolException) cause).sqlState(), cause.getMessage()));
            }
            Channels.flushAndClose(ctx.channel());
        }
    }
}
