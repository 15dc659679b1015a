package io.tenantroute.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/** Channel helpers both protocols share. Stateless, thread-safe. */
public final class Channels {
    private Channels() {
    }

    /**
     * Flushes what was written to {@code channel} (e.g. a final error) and closes it once that is on the wire, so a
     * client reads the reason before the connection ends.
     *
     * @return the close future
     */
    public static ChannelFuture flushAndClose(Channel channel) {
        if (!channel.isActive()) {
            return channel.close();
        }
        return channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
