package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The primitive types of "Message Data Types" (the PostgreSQL manual, "Frontend/Backend Protocol"): {@code Int32},
 * {@code Int16}, {@code Byte1}, {@code String} (NUL-terminated, UTF-8 here), {@code Byte}n; a read cursor over a
 * message body that never moves the buffer's own indexes, and frame-writing helpers. Package-private plumbing.
 */
final class PgWire {
    private PgWire() {
    }

    /**
     * A read position inside {@code [pos, end)} of a buffer, using absolute gets only: the buffer's reader index
     * and reference count stay as they are. Every read past {@code end} or a String without its NUL is a
     * {@link PgProtocolException} (08P01) naming {@code what}.
     */
    static final class Cursor {
        private final ByteBuf buf;
        private final String what;
        private final int end;
        private int pos;

        Cursor(PgMessage msg, String what) {
            this.buf = msg.frame();
            this.what = what;
            this.pos = msg.bodyIndex();
            this.end = buf.writerIndex();
        }

        int position() {
            return pos;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n) {
            if (n < 0 || end - pos < n) {
                throw PgProtocolException.violation("invalid " + what + " message: truncated");
            }
        }

        byte byte1() {
            need(1);
            return buf.getByte(pos++);
        }

        short int16() {
            need(2);
            short v = buf.getShort(pos);
            pos += 2;
            return v;
        }

        int int32() {
            need(4);
            int v = buf.getInt(pos);
            pos += 4;
            return v;
        }

        /** @return the index just past the NUL of the String starting at the cursor */
        int cstringEnd() {
            int nul = buf.indexOf(pos, end, (byte) 0);
            if (nul < 0) {
                throw PgProtocolException.violation("invalid " + what + " message: unterminated string");
            }
            return nul + 1;
        }

        String cstring() {
            int next = cstringEnd();
            String s = buf.toString(pos, next - 1 - pos, StandardCharsets.UTF_8);
            pos = next;
            return s;
        }

        /** Skips {@code n} bytes, returning the index where they start. */
        int skip(int n) {
            need(n);
            int at = pos;
            pos += n;
            return at;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] b = new byte[n];
            buf.getBytes(pos, b);
            pos += n;
            return b;
        }

        /** Requires a count read from the message to be non-negative and to fit what is left at {@code width} bytes each. */
        int count(int n, int width) {
            if (n < 0 || (long) n * width > end - pos) {
                throw PgProtocolException.violation("invalid " + what + " message: count " + n + " does not fit");
            }
            return n;
        }

        void expectEnd() {
            if (pos != end) {
                throw PgProtocolException.violation("invalid " + what + " message: " + (end - pos) + " bytes left over");
            }
        }

        ByteBuf buffer() {
            return buf;
        }
    }

    /** Starts a typed frame: type byte and a length placeholder. */
    static ByteBuf begin(ByteBufAllocator alloc, byte type, int bodyHint) {
        ByteBuf b = alloc.buffer(PgMessage.HEADER_LENGTH + Math.max(0, bodyHint));
        b.writeByte(type);
        b.writeInt(0);
        return b;
    }

    /** Sets the length field of a frame started by {@link #begin} and returns it. */
    static ByteBuf finish(ByteBuf b) {
        b.setInt(b.readerIndex() + 1, b.writerIndex() - b.readerIndex() - 1);
        return b;
    }

    /** A frame with an empty body. */
    static ByteBuf empty(ByteBufAllocator alloc, byte type) {
        return alloc.buffer(PgMessage.HEADER_LENGTH).writeByte(type).writeInt(4);
    }

    /**
     * Writes a String (UTF-8 and a NUL).
     *
     * @throws IllegalArgumentException when {@code s} contains NUL, which would end it early and misframe the rest
     */
    static void cstring(ByteBuf b, String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a NUL character");
        }
        b.writeCharSequence(s, StandardCharsets.UTF_8);
        b.writeByte(0);
    }

    /** @return the UTF-8 length of {@code s} plus its NUL, for buffer sizing */
    static int cstringLength(String s) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(s) + 1;
    }

    /** Releases {@code b} and rethrows, for writers that fail halfway. */
    static RuntimeException releaseAndRethrow(ByteBuf b, RuntimeException e) {
        b.release();
        return e;
    }
}
