package io.tenantroute.proxy.mysql;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only MySQL server built from the codec pieces: greets and authenticates with
 * {@link MySqlFrontendAuthHandler}, then answers COM_QUERY — {@code select tenant} with the login's
 * {@code tenantroute.tenant} attribute, {@code select user} with the user, {@code select db} with the database,
 * {@code select plugin} with the auth plugin, any other {@code select} with {@code 1}, anything else with OK —
 * as a one-column text result set in the client's DEPRECATE_EOF style; COM_PING and COM_INIT_DB with OK,
 * COM_QUIT by closing. Every completed or failed login is queued for the test to inspect.
 */
final class MiniMySqlServer implements AutoCloseable {
    final BlockingQueue<Object> logins = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicLong ids = new AtomicLong(100);

    MiniMySqlServer(MySqlFrontendAuthConfig config) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Promise<MySqlClientLogin> p = ch.eventLoop().newPromise();
                        ch.pipeline().addLast("mysql-decoder", new MySqlPacketDecoder());
                        ch.pipeline().addLast("mysql-encoder", MySqlPacketEncoder.INSTANCE);
                        ch.pipeline().addLast("auth", new MySqlFrontendAuthHandler(config, ids.incrementAndGet(), p));
                        p.addListener(f -> {
                            if (f.isSuccess()) {
                                MySqlClientLogin login = p.getNow();
                                ch.pipeline().addLast("answer", new Answerer(login));
                                logins.add(login);
                            } else {
                                logins.add(f.cause());
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Answerer extends ChannelInboundHandlerAdapter {
        private final MySqlClientLogin login;

        Answerer(MySqlClientLogin login) {
            this.login = login;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            MySqlPacket p = (MySqlPacket) msg;
            try {
                MySqlCommand c = MySqlCommand.of(p.payload());
                if (c == MySqlCommand.COM_QUIT) {
                    ctx.close();
                } else if (c == MySqlCommand.COM_QUERY) {
                    String sql = MySqlCommands.querySql(p.payload(), StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT);
                    if (sql.startsWith("select")) {
                        String value = switch (sql) {
                            case "select tenant" -> login.tenantAttribute().orElse("none");
                            case "select user" -> login.user();
                            case "select db" -> String.valueOf(login.database());
                            case "select plugin" -> login.authPlugin();
                            default -> "1";
                        };
                        resultSet(ctx, sql.substring(7), value);
                    } else {
                        ok(ctx, 1);
                    }
                } else if (c == MySqlCommand.COM_PING || c == MySqlCommand.COM_INIT_DB) {
                    ok(ctx, 1);
                } else {
                    ctx.writeAndFlush(new MySqlPacket(1, new ErrPacket(1047, "08S01", "Unknown command").toPayload(ctx.alloc())));
                }
            } finally {
                p.release();
            }
            ctx.read();
        }

        private void ok(ChannelHandlerContext ctx, int seq) {
            ctx.writeAndFlush(new MySqlPacket(seq, OkPacket.of(MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT)
                    .toPayload(ctx.alloc(), login.capabilities())));
        }

        private void resultSet(ChannelHandlerContext ctx, String column, String value) {
            boolean deprecateEof = login.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF);
            int seq = 1;
            ctx.write(new MySqlPacket(seq++, ctx.alloc().buffer().writeByte(1)));
            ctx.write(new MySqlPacket(seq++, ColumnDefinition.of(column, MySqlTypes.MYSQL_TYPE_VAR_STRING,
                    MySqlCharsets.UTF8MB4_GENERAL_CI).toPayload(ctx.alloc())));
            if (!deprecateEof) {
                ctx.write(new MySqlPacket(seq++, new EofPacket(0, MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT).toPayload(ctx.alloc())));
            }
            ctx.write(new MySqlPacket(seq++, ColumnDefinition.textRow(ctx.alloc(), value)));
            if (deprecateEof) {
                ctx.writeAndFlush(new MySqlPacket(seq, new OkPacket(OkPacket.EOF_HEADER, 0, 0,
                        MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT, 0, "", java.util.List.of()).toPayload(ctx.alloc(), login.capabilities())));
            } else {
                ctx.writeAndFlush(new MySqlPacket(seq, new EofPacket(0, MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT).toPayload(ctx.alloc())));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof MySqlProtocolException e) {
                ctx.writeAndFlush(new MySqlPacket(0, e.toErrPacket().toPayload(ctx.alloc()))).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
