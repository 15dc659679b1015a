package io.tenantroute.proxy.pg;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs one simple Query on a server connection made by {@link PgServerConnector} and returns the rows
 * as text, or the ErrorResponse. Adds its handler after the decoder, as a session would.
 */
final class PgSimpleQuery {
    /** The outcome: rows of text values (null for NULL), the command tags, or the error. */
    record Result(List<List<String>> rows, List<String> tags, PgBackendMessages.Notice error, PgTransactionStatus status) {
        String single() {
            if (error != null) {
                throw new AssertionError("query failed: " + error);
            }
            return rows.get(0).get(0);
        }
    }

    private PgSimpleQuery() {
    }

    /** Sends the Query now and returns the future result (completed at ReadyForQuery). */
    static CompletableFuture<Result> start(PgServerConnection conn, String sql) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Channel ch = conn.channel();
        ch.eventLoop().execute(() -> {
            List<List<String>> rows = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            PgBackendMessages.Notice[] error = new PgBackendMessages.Notice[1];
            ch.pipeline().addAfter(PgServerConnector.DECODER_NAME, "test-query", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    PgMessage m = (PgMessage) msg;
                    try {
                        switch (m.type()) {
                            case PgBackendMessages.DATA_ROW:
                                rows.add(dataRow(m));
                                break;
                            case PgBackendMessages.COMMAND_COMPLETE:
                                tags.add(PgBackendMessages.commandComplete(m));
                                break;
                            case PgBackendMessages.ERROR_RESPONSE:
                                error[0] = PgBackendMessages.notice(m);
                                break;
                            case PgBackendMessages.READY_FOR_QUERY:
                                ctx.pipeline().remove(this);
                                result.complete(new Result(rows, tags, error[0], PgBackendMessages.readyForQuery(m)));
                                return;
                            default:
                                break;
                        }
                    } finally {
                        m.release();
                    }
                    ctx.read();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    result.completeExceptionally(new AssertionError("server closed the connection"));
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    result.completeExceptionally(cause);
                }
            });
            ch.writeAndFlush(PgFrontendMessages.query(ch.alloc(), sql));
            ch.read();
        });
        return result;
    }

    static Result run(PgServerConnection conn, String sql) throws Exception {
        return start(conn, sql).get(30, TimeUnit.SECONDS);
    }

    static List<String> dataRow(PgMessage m) {
        io.netty.buffer.ByteBuf b = m.frame();
        int pos = m.bodyIndex();
        int n = b.getShort(pos) & 0xffff;
        pos += 2;
        List<String> row = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = b.getInt(pos);
            pos += 4;
            if (len < 0) {
                row.add(null);
            } else {
                row.add(b.toString(pos, len, StandardCharsets.UTF_8));
                pos += len;
            }
        }
        return row;
    }
}
