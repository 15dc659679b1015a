package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Drives a raw {@link MySqlServerConnection} from a test thread: sends one command packet and collects the
 * server's response packets, using {@link MySqlResponseTracker} to know when it is complete — optionally
 * translated for a client with other capabilities.
 */
final class RawClient implements AutoCloseable {
    final MySqlServerConnection connection;
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    int statusFlags;

    RawClient(MySqlServerConnection connection) {
        this.connection = connection;
        this.statusFlags = connection.statusFlags();
        Channel ch = connection.channel();
        ch.pipeline().addLast("collector", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                inbound.add(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                inbound.add(cause);
            }
        });
        ch.config().setAutoRead(true);
    }

    /** The raw inbound queue, for tests that drive a response packet by packet. */
    BlockingQueue<Object> inbound() {
        return inbound;
    }

    /** The response as the server sent it. */
    List<MySqlPacket> command(ByteBuf payload) throws Exception {
        return command(payload, connection.capabilities(), null);
    }

    /**
     * Sends {@code payload} (seq 0) and returns what a client with {@code clientCapabilities} receives after
     * translation; the tracker used is returned through {@code trackerOut} when not null.
     */
    List<MySqlPacket> command(ByteBuf payload, long clientCapabilities, MySqlResponseTracker[] trackerOut) throws Exception {
        MySqlResponseTracker t = MySqlResponseTracker.forCommand(payload, connection.capabilities(), clientCapabilities, statusFlags);
        if (trackerOut != null) {
            trackerOut[0] = t;
        }
        connection.channel().writeAndFlush(new MySqlPacket(0, payload)).sync();
        List<MySqlPacket> out = new ArrayList<>();
        while (!t.isComplete()) {
            Object o = inbound.poll(15, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("no complete response; so far " + out);
            }
            if (o instanceof Throwable e) {
                throw new AssertionError(e);
            }
            t.translate((MySqlPacket) o, connection.channel().alloc(), out);
        }
        statusFlags = t.statusFlags();
        return out;
    }

    static void release(List<MySqlPacket> packets) {
        packets.forEach(MySqlPacket::release);
    }

    @Override
    public void close() {
        connection.channel().close().syncUninterruptibly();
    }
}
