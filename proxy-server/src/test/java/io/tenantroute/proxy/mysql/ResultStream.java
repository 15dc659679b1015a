package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict client-side reader of a response stream in one CLIENT_DEPRECATE_EOF style, written from the
 * protocol pages independently of {@link MySqlResponseTracker}: it fails on any packet the style does not
 * allow (an EOF after column definitions under DEPRECATE_EOF, a 0xFE OK without it, sequence gaps, trailing
 * packets) and renders the response as canonical lines so two streams can be compared.
 */
final class ResultStream {
    enum Kind { QUERY, EXECUTE, FETCH, PREPARE, FIELD_LIST, SIMPLE }

    private ResultStream() {
    }

    static List<String> read(List<MySqlPacket> packets, Kind kind, boolean deprecateEof) {
        List<String> out = new ArrayList<>();
        int seq = 1;
        for (MySqlPacket p : packets) {
            assertEquals(seq, p.sequenceId(), "sequence ids: " + packets);
            seq = p.nextSequenceId();
        }
        int[] i = {0};
        switch (kind) {
            case QUERY, EXECUTE -> {
                boolean more = true;
                while (more) {
                    more = result(packets, i, kind, deprecateEof, out);
                }
            }
            case FETCH -> rows(packets, i, Kind.EXECUTE, 0, deprecateEof, out);
            case PREPARE -> {
                ByteBuf first = packets.get(i[0]++).payload();
                if (ErrPacket.isErr(first)) {
                    out.add("ERR " + ErrPacket.parse(first).errorCode());
                    break;
                }
                PrepareOk ok = PrepareOk.parse(first);
                out.add("PREPARE_OK columns=" + ok.columnCount() + " params=" + ok.paramCount() + " warnings=" + ok.warnings());
                definitions(packets, i, ok.paramCount(), deprecateEof, "PARAM", out);
                definitions(packets, i, ok.columnCount(), deprecateEof, "COLUMN", out);
            }
            case FIELD_LIST -> {
                while (true) {
                    ByteBuf p = packets.get(i[0]++).payload();
                    if (ErrPacket.isErr(p)) {
                        out.add("ERR " + ErrPacket.parse(p).errorCode());
                        break;
                    }
                    if (p.getUnsignedByte(p.readerIndex()) == 0xFE && p.readableBytes() < 0xFFFFFF) {
                        out.add(end(p, deprecateEof));
                        break;
                    }
                    out.add("COLUMN " + ColumnDefinition.parse(p).name());
                }
            }
            case SIMPLE -> {
                ByteBuf p = packets.get(i[0]++).payload();
                int h = p.getUnsignedByte(p.readerIndex());
                if (h == 0x00) {
                    out.add("OK status=" + OkPacket.parse(p, 0).statusFlags());
                } else if (h == 0xFF) {
                    out.add("ERR " + ErrPacket.parse(p).errorCode());
                } else {
                    out.add(end(p, deprecateEof));
                }
            }
            default -> throw new IllegalStateException();
        }
        assertEquals(packets.size(), i[0], "packets after the end of the response: " + out);
        return out;
    }

    private static void definitions(List<MySqlPacket> packets, int[] i, int n, boolean deprecateEof, String what, List<String> out) {
        for (int k = 0; k < n; k++) {
            out.add(what + " " + ColumnDefinition.parse(packets.get(i[0]++).payload()).name());
        }
        if (n > 0 && !deprecateEof) {
            ByteBuf eof = packets.get(i[0]++).payload();
            assertTrue(EofPacket.isEof(eof) && eof.readableBytes() == 5, "EOF after " + what + " definitions");
        }
    }

    /** @return whether another result follows */
    private static boolean result(List<MySqlPacket> packets, int[] i, Kind kind, boolean deprecateEof, List<String> out) {
        ByteBuf first = packets.get(i[0]++).payload();
        int h = first.getUnsignedByte(first.readerIndex());
        if (h == 0xFF) {
            out.add("ERR " + ErrPacket.parse(first).errorCode());
            return false;
        }
        if (h == 0x00) {
            OkPacket ok = OkPacket.parse(first, 0);
            out.add("OK affected=" + ok.affectedRows() + " status=" + ok.statusFlags());
            return MySqlStatusFlags.moreResults(ok.statusFlags());
        }
        int n = (int) Wire.readLenencInt(first.duplicate(), "column count");
        List<String> names = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            names.add(ColumnDefinition.parse(packets.get(i[0]++).payload()).name());
        }
        out.add("COLUMNS " + names);
        if (!deprecateEof) {
            ByteBuf eof = packets.get(i[0]++).payload();
            assertTrue(EofPacket.isEof(eof) && eof.readableBytes() == 5, "EOF after column definitions");
            if ((EofPacket.parse(eof).statusFlags() & MySqlStatusFlags.SERVER_STATUS_CURSOR_EXISTS) != 0) {
                out.add("CURSOR status=" + EofPacket.parse(eof).statusFlags());
                return false;
            }
        }
        return rows(packets, i, kind, n, deprecateEof, out);
    }

    private static boolean rows(List<MySqlPacket> packets, int[] i, Kind kind, int n, boolean deprecateEof, List<String> out) {
        while (true) {
            ByteBuf p = packets.get(i[0]++).payload();
            int b = p.getUnsignedByte(p.readerIndex());
            if (b == 0xFF) {
                out.add("ERR " + ErrPacket.parse(p).errorCode());
                return false;
            }
            if (b == 0xFE && p.readableBytes() < 0xFFFFFF) {
                String end = end(p, deprecateEof);
                out.add(end);
                int status = Integer.parseInt(end.replaceAll(".*status=(\\d+).*", "$1"));
                return (status & MySqlStatusFlags.SERVER_STATUS_CURSOR_EXISTS) == 0 && MySqlStatusFlags.moreResults(status);
            }
            if (kind == Kind.EXECUTE) {
                assertEquals(0, b, "binary row header");
                out.add("ROW " + ByteBufUtil.hexDump(p));
            } else {
                out.add("ROW " + String.join("|", nullText(ColumnDefinition.parseTextRow(p, n))));
            }
        }
    }

    private static List<String> nullText(String[] values) {
        List<String> l = new ArrayList<>();
        for (String v : values) {
            l.add(v == null ? "NULL" : v);
        }
        return l;
    }

    private static String end(ByteBuf p, boolean deprecateEof) {
        if (deprecateEof) {
            assertTrue(p.readableBytes() >= 7, "a DEPRECATE_EOF terminator is an OK with 0xFE, " + p.readableBytes() + " bytes");
            OkPacket ok = OkPacket.parse(p, 0);
            return "END warnings=" + ok.warnings() + " status=" + ok.statusFlags();
        }
        assertEquals(5, p.readableBytes(), "an EOF packet");
        EofPacket eof = EofPacket.parse(p);
        return "END warnings=" + eof.warnings() + " status=" + eof.statusFlags();
    }
}
