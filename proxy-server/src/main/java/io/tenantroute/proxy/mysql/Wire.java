package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The basic data types of the MySQL Client/Server Protocol (MySQL Source Code Documentation, "Basic Data Types":
 * "Integer Types" and "String Types"; MariaDB "Protocol Data Types"): fixed-length little-endian integers,
 * length-encoded integers and strings, NUL-terminated strings. Every read checks bounds and throws
 * {@link MySqlProtocolException} (1047, 08S01) on a truncated or malformed value instead of an
 * {@link IndexOutOfBoundsException}. Stateless, thread-safe.
 */
final class Wire {
    /** A length-encoded integer's marker bytes ("Protocol::LengthEncodedInteger"). */
    static final int LENENC_NULL = 0xFB;
    static final int LENENC_2 = 0xFC;
    static final int LENENC_3 = 0xFD;
    static final int LENENC_8 = 0xFE;

    private Wire() {
    }

    static MySqlProtocolException malformed(String what) {
        return new MySqlProtocolException(MySqlProtocolException.ER_UNKNOWN_COM_ERROR, "08S01", "malformed packet: " + what);
    }

    static void need(ByteBuf buf, int n, String what) {
        if (buf.readableBytes() < n) {
            throw malformed(what + " needs " + n + " bytes, " + buf.readableBytes() + " left");
        }
    }

    static int readU8(ByteBuf buf, String what) {
        need(buf, 1, what);
        return buf.readUnsignedByte();
    }

    static int readU16(ByteBuf buf, String what) {
        need(buf, 2, what);
        return buf.readUnsignedShortLE();
    }

    static int readU24(ByteBuf buf, String what) {
        need(buf, 3, what);
        return buf.readUnsignedMediumLE();
    }

    static long readU32(ByteBuf buf, String what) {
        need(buf, 4, what);
        return buf.readUnsignedIntLE();
    }

    /**
     * Reads a length-encoded integer. {@code 0xFB} (NULL in a text row) reads as -1; an 8-byte value above
     * {@link Long#MAX_VALUE} is returned as its two's-complement bits (callers that use it as a length reject it).
     */
    static long readLenencInt(ByteBuf buf, String what) {
        int first = readU8(buf, what);
        if (first < LENENC_NULL) {
            return first;
        }
        switch (first) {
            case LENENC_NULL:
                return -1;
            case LENENC_2:
                return readU16(buf, what);
            case LENENC_3:
                return readU24(buf, what);
            case LENENC_8:
                need(buf, 8, what);
                return buf.readLongLE();
            default:
                throw malformed(what + ": 0xFF is not a length-encoded integer");
        }
    }

    /** Writes a length-encoded integer ({@code value} is unsigned; negative means above 2^63). */
    static void writeLenencInt(ByteBuf out, long value) {
        if (value >= 0 && value < LENENC_NULL) {
            out.writeByte((int) value);
        } else if (value >= 0 && value < (1 << 16)) {
            out.writeByte(LENENC_2);
            out.writeShortLE((int) value);
        } else if (value >= 0 && value < (1 << 24)) {
            out.writeByte(LENENC_3);
            out.writeMediumLE((int) value);
        } else {
            out.writeByte(LENENC_8);
            out.writeLongLE(value);
        }
    }

    /** @return the number of bytes {@link #writeLenencInt} writes for {@code value} */
    static int lenencIntSize(long value) {
        if (value >= 0 && value < LENENC_NULL) {
            return 1;
        }
        if (value >= 0 && value < (1 << 16)) {
            return 3;
        }
        if (value >= 0 && value < (1 << 24)) {
            return 4;
        }
        return 9;
    }

    /** Reads a length-encoded byte string; null for the NULL marker 0xFB. */
    static byte[] readLenencBytes(ByteBuf buf, String what) {
        long len = readLenencInt(buf, what);
        if (len == -1) {
            return null;
        }
        if (len < 0 || len > buf.readableBytes()) {
            throw malformed(what + " declares " + Long.toUnsignedString(len) + " bytes, " + buf.readableBytes() + " left");
        }
        byte[] b = new byte[(int) len];
        buf.readBytes(b);
        return b;
    }

    static String readLenencString(ByteBuf buf, Charset cs, String what) {
        byte[] b = readLenencBytes(buf, what);
        return b == null ? null : new String(b, cs);
    }

    static void writeLenencBytes(ByteBuf out, byte[] b) {
        writeLenencInt(out, b.length);
        out.writeBytes(b);
    }

    static void writeLenencString(ByteBuf out, String s) {
        writeLenencBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a NUL-terminated string; the NUL is consumed. */
    static String readNulString(ByteBuf buf, String what) {
        int nul = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (nul < 0) {
            throw malformed(what + " has no terminating NUL");
        }
        String s = buf.toString(buf.readerIndex(), nul - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(nul + 1);
        return s;
    }

    /** Reads a NUL-terminated string, or the rest of the buffer when it has no NUL (a tolerated older form). */
    static String readNulOrEofString(ByteBuf buf) {
        int nul = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        int end = nul < 0 ? buf.writerIndex() : nul;
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(nul < 0 ? end : end + 1);
        return s;
    }

    static void writeNulString(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeByte(0);
    }

    static String readEofString(ByteBuf buf, Charset cs) {
        String s = buf.toString(buf.readerIndex(), buf.readableBytes(), cs);
        buf.skipBytes(buf.readableBytes());
        return s;
    }

    static byte[] readBytes(ByteBuf buf, int n, String what) {
        need(buf, n, what);
        byte[] b = new byte[n];
        buf.readBytes(b);
        return b;
    }

    static byte[] readRest(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }
}
