package io.tenantroute.migrator.internal;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-off of byte chunks from one reader thread (the source side of a table copy) to one writer
 * thread (the target side), so that reading and writing overlap the way {@code psql | psql} does, with at
 * most {@code capacity} chunks of about {@link #CHUNK_BYTES} in memory.
 *
 * <p>The reader fills chunks through {@link Sink} and ends with {@link #end()} or {@link #fail(Throwable)};
 * the writer takes items with {@link #take()} until {@link #END}. A {@link #BATCH_END} marker cuts the stream
 * into statements (MySQL {@code LOAD DATA}). {@link #cancel()} (writer side) makes the reader's next put throw
 * {@link CancellationException}, so a failed writer never leaves the reader blocked. No interrupts are used on
 * the reader: JDBC socket reads are not interruptible anyway.
 *
 * <p>Thread-safety: one producer thread, one consumer thread.
 */
final class ChunkPipe {
    /** Target size of one chunk in bytes; a single row larger than this makes a larger chunk. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** End of data (after {@link #end()} or {@link #fail(Throwable)}). */
    static final Object END = new Object();
    /** End of one statement's worth of rows; more data follows. */
    static final Object BATCH_END = new Object();

    /** Bytes of whole rows, and how many rows they hold. */
    record Chunk(byte[] bytes, int length, int rows) {
    }

    private final ArrayBlockingQueue<Object> queue;
    private volatile boolean cancelled;
    private volatile Throwable failure;

    ChunkPipe(int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Producer: enqueues a chunk or marker, waiting while the pipe is full. */
    void put(Object item) {
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new CancellationException("copy cancelled by the writer");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("copy reader interrupted");
        }
        if (cancelled) {
            throw new CancellationException("copy cancelled by the writer");
        }
    }

    /** Producer: no more data. */
    void end() {
        put(END);
    }

    /** Producer: reading failed; the writer's next {@link #take()} after the queued chunks throws it. */
    void fail(Throwable t) {
        failure = t;
        try {
            put(END);
        } catch (CancellationException ignored) {
            // the writer is gone already
        }
    }

    /** @return the reader's failure, or null */
    Throwable failure() {
        return failure;
    }

    /**
     * Consumer: the next chunk, {@link #BATCH_END} or {@link #END}.
     *
     * @throws SQLException the reader's failure (a source error as it was raised), or TR011 when interrupted
     */
    Object take() throws SQLException {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted during copy");
        }
        if (o == END && failure != null) {
            Throwable f = failure;
            if (f instanceof SQLException se) {
                throw se;
            }
            throw new SQLException("copy reader failed: " + f, f);
        }
        return o;
    }

    /** Consumer: stop the reader (its next put throws) and drop what is queued. */
    void cancel() {
        cancelled = true;
        queue.clear();
    }

    /** Producer side: appends rows into chunks of about {@link #CHUNK_BYTES}, handing full ones to the pipe. */
    final class Sink {
        private byte[] buf = new byte[CHUNK_BYTES + 1024];
        private int len;
        private int rows;

        void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        /** Ends a row; hands the chunk over when it is full. */
        void rowDone() {
            rows++;
            if (len >= CHUNK_BYTES) {
                flush();
            }
        }

        /** Adds rows counted elsewhere (PostgreSQL: newlines of a COPY buffer). */
        void rowsDone(int n) {
            rows += n;
            if (len >= CHUNK_BYTES) {
                flush();
            }
        }

        /** Hands over what is buffered, if anything. */
        void flush() {
            if (len > 0) {
                put(new Chunk(buf, len, rows));
                buf = new byte[CHUNK_BYTES + 1024];
                len = 0;
                rows = 0;
            }
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                byte[] b = new byte[Math.max(buf.length * 2, len + n)];
                System.arraycopy(buf, 0, b, 0, len);
                buf = b;
            }
        }
    }
}
