package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one table's tenant rows from a consistent snapshot on the source into the target. The source is read
 * on a helper thread and the target written on the calling thread, with a bounded {@link ChunkPipe} (at most
 * {@value #PIPE_CHUNKS} chunks of ~64 KB) between them, so both servers work at once like {@code psql | psql};
 * never a whole table in memory.
 *
 * <p>PostgreSQL: {@code COPY (SELECT … WHERE tenant = <literal>) TO STDOUT} piped into
 * {@code COPY … FROM STDIN}, binary format when both servers share a major version (10–20 % less server work
 * than text, measured), text otherwise or when a column type has no binary I/O. COPY takes no parameters, so the tenant id goes in as a string literal
 * escaped by pgjdbc's own {@code Utils.escapeLiteral} for the server's {@code standard_conforming_strings} setting —
 * the same routine pgjdbc uses when it inlines parameters itself (simple query mode), and cast to the tenant
 * column's type. A temporary view or function would also work but needs DDL rights on the source and a cleanup;
 * the escaped literal needs neither. Tenant ids with NUL are refused earlier (TenantIds).
 *
 * <p>MySQL/MariaDB: a streaming result set (fetch size {@code Integer.MIN_VALUE}) in a REPEATABLE READ
 * transaction, the tenant bound as a parameter. Fast path: each row's values as the server sent them
 * ({@code getBytes}, the text protocol's exact rendering, like mysqldump) in {@code LOAD DATA LOCAL INFILE}'s
 * tab-separated format, binary and spatial columns hex-encoded and loaded through {@code UNHEX}, BIT through
 * {@code CONV}; {@value #LOAD_ROWS} rows per statement and commit. The server reports bad values of a LOCAL load
 * only as warnings, so any warning or a row count other than what was sent fails the copy. Fallback (not
 * Connector/J, {@code local_infile=OFF}, the connection opened without local files, an unusual result character
 * set): batched multi-row inserts of text values (logged once per table). Both paths load with
 * {@code foreign_key_checks=0}, {@code NO_AUTO_VALUE_ON_ZERO} (a copied key 0 stays 0), and {@code time_zone}
 * {@code +00:00} on both sides (TIMESTAMP values travel as UTC text).
 *
 * <p>Thread-safety: stateless; each call uses its own two connections (plus one short-lived reader thread).
 */
public final class Copier {
    private static final Logger LOG = LoggerFactory.getLogger(Copier.class);
    private static final int BATCH = 1000;
    /** Rows per {@code LOAD DATA} statement (one target transaction each). */
    static final int LOAD_ROWS = 50_000;
    static final int PIPE_CHUNKS = 16;
    private static final int PROGRESS_ROWS = 5000;
    /** Result character sets in which escaping byte by byte is exact (no multi-byte char holds 0x5C/0x09/0x0A). */
    private static final Set<String> BYTE_SAFE_CHARSETS = Set.of("utf8mb4", "utf8mb3", "utf8", "latin1", "ascii", "binary");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Copier() {
    }

    /**
     * Copies the tenant's rows of one table; commits the target (and ends the source snapshot) on success, rolls
     * both back on failure.
     *
     * @param progress called on the calling thread with the rows written so far (about every 5,000 rows and at
     *                 the end)
     * @return rows copied
     * @throws SQLException from either server (as raised), or TR011 when interrupted or when a MySQL load was
     *                      incomplete (row count or warnings)
     */
    public static long copy(Dialect e, Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        return e == Dialect.POSTGRESQL ? copyPg(src, srcSchema, tgt, tgtSchema, job, tenant, progress, true)
                : copyMySql(src, srcSchema, tgt, tgtSchema, job, tenant, progress);
    }

    /**
     * PostgreSQL: binary COPY when both servers have the same major version (the binary form of a type is only
     * promised within one) and every column's type (and array element type) has binary send/receive functions
     * ({@code aclitem} has not); text COPY otherwise. Checked before the COPY: a refused COPY leaves pgjdbc's
     * connection out of step (measured), so it is not tried and caught.
     *
     * @param binaryAllowed false forces text (tests)
     */
    static long copyPg(Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress, boolean binaryAllowed) throws SQLException {
        boolean binary = binaryAllowed && majorVersion(src) == majorVersion(tgt) && binaryIo(src, srcSchema, job.name());
        return copyPg(src, srcSchema, tgt, tgtSchema, job, tenant, progress, binary ? "binary" : "text");
    }

    private static boolean binaryIo(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typelem <> 0"
                + " WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND (t.typsend = 0 OR t.typreceive = 0 OR e.typsend = 0 OR e.typreceive = 0))")) {
            p.setString(1, Dialect.POSTGRESQL.q(schema, table));
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    private static int majorVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_version_num")) {
            r.next();
            return Integer.parseInt(r.getString(1).trim()) / 10000;
        }
    }

    // ---------------------------------------------------------------- PostgreSQL

    private static long copyPg(Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress, String format) throws SQLException {
        boolean std;
        try (Statement s = src.createStatement(); ResultSet r = s.executeQuery("SHOW standard_conforming_strings")) {
            r.next();
            std = "on".equalsIgnoreCase(r.getString(1));
        }
        String literal = "'" + org.postgresql.core.Utils.escapeLiteral(null, tenant, std) + "'";
        if (!std) {
            literal = "E" + literal;
        }
        String tenantSql = "CAST(" + literal + " AS " + job.own().tenantTypeIn(srcSchema) + ")";
        // the columns to write only: a generated column is computed by the target (COPY refuses values for it)
        String out = "COPY (SELECT " + job.writeSelectList(Dialect.POSTGRESQL, false) + job.own().fromWhere(Dialect.POSTGRESQL, srcSchema, tenantSql)
                + ") TO STDOUT (FORMAT " + format + ")";
        String in = "COPY " + Dialect.POSTGRESQL.q(tgtSchema, job.name()) + " (" + job.writeColumnList(Dialect.POSTGRESQL) + ") FROM STDIN (FORMAT "
                + format + ")";
        boolean binary = format.equals("binary");
        src.setAutoCommit(false);
        src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        src.setReadOnly(true);
        tgt.setAutoCommit(false);
        ChunkPipe pipe = new ChunkPipe(PIPE_CHUNKS);
        Thread reader = null;
        try {
            CopyOut co = src.unwrap(PGConnection.class).getCopyAPI().copyOut(out);
            CopyIn ci;
            try {
                ci = tgt.unwrap(PGConnection.class).getCopyAPI().copyIn(in);
            } catch (SQLException ex) {
                if (co.isActive()) {
                    try {
                        co.cancelCopy();
                    } catch (SQLException ignored) {
                        // rolled back below
                    }
                }
                throw ex;
            }
            reader = startReader(job, () -> readPg(co, pipe, binary), pipe);
            long rows = 0;
            long lastReport = 0;
            try {
                Object o;
                while ((o = pipe.take()) != ChunkPipe.END) {
                    ChunkPipe.Chunk c = (ChunkPipe.Chunk) o;
                    ci.writeToCopy(c.bytes(), 0, c.length());
                    rows += c.rows();
                    if (rows - lastReport >= PROGRESS_ROWS) {
                        progress.accept(rows);
                        lastReport = rows;
                    }
                }
                rows = ci.endCopy();
            } catch (SQLException | RuntimeException ex) {
                pipe.cancel();
                join(reader);
                if (ci.isActive()) {
                    try {
                        ci.cancelCopy();
                    } catch (SQLException ignored) {
                        // the target connection may be gone; the transaction is rolled back below
                    }
                }
                throw ex;
            }
            join(reader);
            tgt.commit();
            src.commit();
            progress.accept(rows);
            return rows;
        } catch (SQLException | RuntimeException ex) {
            pipe.cancel();
            join(reader);
            safeRollback(tgt);
            safeRollback(src);
            throw ex;
        } finally {
            src.setReadOnly(false);
        }
    }

    /**
     * Reader thread: COPY buffers gathered into chunks. Rows are counted for progress only (the total comes from
     * the target's COPY count): text — newlines (a newline in a value is escaped); binary — one tuple per CopyData
     * message, as the server sends them, not counting the 19-byte header and the 2-byte trailer.
     */
    private static void readPg(CopyOut co, ChunkPipe pipe, boolean binary) throws SQLException {
        ChunkPipe.Sink sink = pipe.new Sink();
        try {
            byte[] buf;
            while ((buf = co.readFromCopy()) != null) {
                sink.write(buf, 0, buf.length);
                int n = 0;
                if (binary) {
                    n = buf.length == 19 && buf[0] == 'P' || buf.length == 2 && buf[0] == -1 && buf[1] == -1 ? 0 : 1;
                } else {
                    for (byte b : buf) {
                        if (b == '\n') {
                            n++;
                        }
                    }
                }
                sink.rowsDone(n);
            }
            sink.flush();
        } catch (CancellationException ce) {
            if (co.isActive()) {
                try {
                    co.cancelCopy();
                } catch (SQLException ignored) {
                    // the source transaction is rolled back by the writer
                }
            }
            throw ce;
        }
    }

    // ---------------------------------------------------------------- MySQL / MariaDB

    /** How a column travels in a LOAD DATA stream. */
    private enum Kind {
        TEXT, HEX, BIT
    }

    private static final Set<String> HEX_TYPES = Set.of("tinyblob", "blob", "mediumblob", "longblob", "binary", "varbinary", "geometry",
            "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection");

    /** @return the type name without length, sign or charset: {@code varbinary}, {@code float}, … */
    private static String baseType(Catalog.Column c) {
        String t = c.type().toLowerCase(Locale.ROOT).trim();
        int cut = 0;
        while (cut < t.length() && Character.isLetter(t.charAt(cut))) {
            cut++;
        }
        return t.substring(0, cut);
    }

    private static Kind kind(Catalog.Column c) {
        String base = baseType(c);
        if (base.equals("bit")) {
            return Kind.BIT;
        }
        return HEX_TYPES.contains(base) ? Kind.HEX : Kind.TEXT;
    }

    private static long copyMySql(Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        String select = "SELECT " + mySqlSelectList(job) + job.own().fromWhere(Dialect.MYSQL, srcSchema, "?");
        src.setAutoCommit(false);
        src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        tgt.setAutoCommit(false);
        try {
            String charset;
            try (Statement s = src.createStatement()) {
                s.execute("SET SESSION time_zone = '+00:00'");
                try (ResultSet r = s.executeQuery("SELECT @@character_set_results")) {
                    r.next();
                    charset = r.getString(1) == null ? "binary" : r.getString(1).toLowerCase(Locale.ROOT);
                }
            }
            try (Statement s = tgt.createStatement()) {
                s.execute("SET SESSION foreign_key_checks = 0");
                s.execute("SET SESSION time_zone = '+00:00'");
                s.execute("SET SESSION sql_mode = IF(@@SESSION.sql_mode = '', 'NO_AUTO_VALUE_ON_ZERO',"
                        + " CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO'))");
            }
            String load = loadDataSql(tgtSchema, job, charset);
            String refused = loadRefusal(tgt, load, charset);
            long rows;
            if (refused == null) {
                rows = loadData(src, select, tgt, load, job, tenant, progress);
            } else {
                LOG.info("table {}: LOAD DATA LOCAL INFILE not used ({}); copying with batched inserts", job.name(), refused);
                rows = insertBatches(src, select, tgt, tgtSchema, job, tenant, progress);
            }
            tgt.commit();
            src.commit();
            progress.accept(rows);
            return rows;
        } catch (SQLException | RuntimeException ex) {
            safeRollback(tgt);
            safeRollback(src);
            throw ex;
        }
    }

    /**
     * The select list, FLOAT columns as DOUBLE: the text protocol renders FLOAT with 6 significant digits
     * (3.40282e38), which does not give the stored value back; the exact double does, and storing it in the FLOAT
     * column rounds to the same float. ({@code * 1e0} keeps the sign of -0 and works on every MySQL/MariaDB.)
     */
    private static String mySqlSelectList(TableJob job) {
        StringBuilder b = new StringBuilder();
        for (Catalog.Column c : job.written()) {
            b.append(b.length() > 0 ? ", " : "").append("t0.").append(Dialect.MYSQL.q(c.name()));
            if (baseType(c).equals("float")) {
                b.append(" * 1e0");
            }
        }
        return b.toString();
    }

    /** @return why the LOAD DATA path cannot be used, or null when it can (probed with an empty load) */
    private static String loadRefusal(Connection tgt, String load, String charset) {
        if (!BYTE_SAFE_CHARSETS.contains(charset)) {
            return "source result character set " + charset;
        }
        boolean cj;
        try {
            cj = MySqlLocalInfile.supports(tgt);
        } catch (LinkageError e) {
            cj = false;
        }
        if (!cj) {
            return "the target connection is not MySQL Connector/J";
        }
        try {
            MySqlLocalInfile.load(tgt, load, InputStream.nullInputStream());
            return null;
        } catch (SQLException | RuntimeException e) {
            // nothing was loaded; the refusal does not abort the transaction
            return String.valueOf(e.getMessage());
        }
    }

    static String loadDataSql(String tgtSchema, TableJob job, String charset) {
        List<String> cols = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Catalog.Column c : job.written()) { // generated columns are computed by the target (a load refuses them)
            i++;
            String q = Dialect.MYSQL.q(c.name());
            switch (kind(c)) {
                // MariaDB ignores NO_AUTO_VALUE_ON_ZERO for a column loaded directly once the statement has a SET
                // clause (a key 0 became 1); through a variable it keeps the 0
                case TEXT -> {
                    if (c.autoIncrement()) {
                        cols.add("@c" + i);
                        sets.add(q + " = @c" + i);
                    } else {
                        cols.add(q);
                    }
                }
                case HEX -> {
                    cols.add("@c" + i);
                    sets.add(q + " = UNHEX(@c" + i + ")");
                }
                case BIT -> {
                    cols.add("@c" + i);
                    sets.add(q + " = CAST(CONV(@c" + i + ", 16, 10) AS UNSIGNED)");
                }
                default -> throw new IllegalStateException();
            }
        }
        // hex literals for the separators: independent of NO_BACKSLASH_ESCAPES
        return "LOAD DATA LOCAL INFILE 'tenantroute-copy' INTO TABLE " + Dialect.MYSQL.q(tgtSchema, job.name()) + " CHARACTER SET " + charset
                + " FIELDS TERMINATED BY X'09' ENCLOSED BY '' ESCAPED BY X'5C' LINES TERMINATED BY X'0A' STARTING BY ''"
                + " (" + String.join(", ", cols) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
    }

    private static long loadData(Connection src, String select, Connection tgt, String load, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        ChunkPipe pipe = new ChunkPipe(PIPE_CHUNKS);
        Thread reader = startReader(job, () -> readMySql(src, select, job, tenant, pipe), pipe);
        long rows = 0;
        long[] reported = {0};
        try {
            while (true) {
                PipeStream in = new PipeStream(pipe, rows, reported, progress);
                if (!in.hasData()) {
                    break;
                }
                long n = MySqlLocalInfile.load(tgt, load, in);
                // The stream may end early when the driver stops reading after a server error.
                if (!in.atBoundary()) {
                    throw io.tenantroute.config.TenantRouteSqlState.MIGRATION_FAILED.exception(
                            "table " + job.name() + ": LOAD DATA ended before its rows were sent");
                }
                String warnings = warnings(tgt);
                if (n != in.rows() || warnings != null) {
                    throw io.tenantroute.config.TenantRouteSqlState.MIGRATION_FAILED.exception("table " + job.name() + ": LOAD DATA stored "
                            + n + " of " + in.rows() + " rows" + (warnings == null ? "" : "; " + warnings));
                }
                rows += n;
                tgt.commit();
                if (in.atEnd()) {
                    break;
                }
            }
            join(reader);
            return rows;
        } catch (SQLException | RuntimeException ex) {
            pipe.cancel();
            join(reader);
            // a source error surfaces in the driver as a failed file transfer: report the source's own error
            if (pipe.failure() instanceof SQLException se && se != ex) {
                se.addSuppressed(ex);
                throw se;
            }
            throw ex;
        }
    }

    /** @return the warnings and errors of the last statement (first 5), or null when there are none */
    private static String warnings(Connection tgt) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = tgt.createStatement(); ResultSet r = s.executeQuery("SHOW WARNINGS LIMIT 5")) {
            while (r.next()) {
                if (!"Note".equalsIgnoreCase(r.getString(1))) {
                    b.append(b.length() > 0 ? "; " : "").append(r.getString(1)).append(' ').append(r.getInt(2)).append(": ")
                            .append(r.getString(3));
                }
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** Reader thread: rows of the streaming result set in LOAD DATA's tab-separated format. */
    private static void readMySql(Connection src, String select, TableJob job, String tenant, ChunkPipe pipe) throws SQLException {
        List<Catalog.Column> cols = job.written();
        int n = cols.size();
        Kind[] kinds = new Kind[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = kind(cols.get(i));
        }
        ChunkPipe.Sink sink = pipe.new Sink();
        try (PreparedStatement sel = src.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            sel.setFetchSize(Integer.MIN_VALUE);
            sel.setString(1, tenant);
            try (ResultSet r = sel.executeQuery()) {
                int inBatch = 0;
                while (r.next()) {
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            sink.write('\t');
                        }
                        byte[] v = r.getBytes(i + 1);
                        if (v == null) {
                            sink.write('\\');
                            sink.write('N');
                        } else if (kinds[i] == Kind.TEXT) {
                            escape(sink, v);
                        } else {
                            for (byte b : v) {
                                sink.write(HEX[(b >> 4) & 0xf]);
                                sink.write(HEX[b & 0xf]);
                            }
                            if (v.length == 0 && kinds[i] == Kind.BIT) {
                                sink.write('0');
                            }
                        }
                    }
                    sink.write('\n');
                    sink.rowDone();
                    if (++inBatch == LOAD_ROWS) {
                        sink.flush();
                        pipe.put(ChunkPipe.BATCH_END);
                        inBatch = 0;
                    }
                }
            }
            sink.flush();
        }
    }

    /** LOAD DATA escaping (ESCAPED BY '\'): backslash, tab, newline, carriage return and NUL. */
    private static void escape(ChunkPipe.Sink sink, byte[] v) {
        int from = 0;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            byte esc = switch (b) {
                case '\\' -> '\\';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case 0 -> '0';
                default -> -1;
            };
            if (esc != -1) {
                sink.write(v, from, i - from);
                sink.write('\\');
                sink.write(esc);
                from = i + 1;
            }
        }
        sink.write(v, from, v.length - from);
    }

    /**
     * One LOAD DATA statement's input: chunks from the pipe up to a {@link ChunkPipe#BATCH_END} or the end. Read
     * by Connector/J on the calling thread, which also reports progress from here.
     */
    private static final class PipeStream extends InputStream {
        private final ChunkPipe pipe;
        private final long before;
        private final long[] reported;
        private final LongConsumer progress;
        private ChunkPipe.Chunk cur;
        private int pos;
        private long rows;
        private boolean boundary;
        private boolean end;

        PipeStream(ChunkPipe pipe, long before, long[] reported, LongConsumer progress) {
            this.pipe = pipe;
            this.before = before;
            this.reported = reported;
            this.progress = progress;
        }

        /** Takes the first chunk; false when the data ended right here (nothing to load). */
        boolean hasData() throws SQLException {
            next();
            return cur != null;
        }

        private void next() throws SQLException {
            Object o = pipe.take();
            if (o == ChunkPipe.END) {
                boundary = true;
                end = true;
                cur = null;
            } else if (o == ChunkPipe.BATCH_END) {
                boundary = true;
                cur = null;
            } else {
                cur = (ChunkPipe.Chunk) o;
                pos = 0;
                rows += cur.rows();
                if (before + rows - reported[0] >= PROGRESS_ROWS) {
                    reported[0] = before + rows;
                    progress.accept(reported[0]);
                }
            }
        }

        long rows() {
            return rows;
        }

        boolean atBoundary() {
            return boundary;
        }

        boolean atEnd() {
            return end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (cur != null && pos == cur.length()) {
                try {
                    next();
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            if (cur == null) {
                return -1;
            }
            int n = Math.min(len, cur.length() - pos);
            System.arraycopy(cur.bytes(), pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Fallback: streaming result set into batched multi-row inserts of text values. */
    private static long insertBatches(Connection src, String select, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        int n = job.written().size();
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < n; i++) {
            marks.append(i > 0 ? ", ?" : "?");
        }
        String insert = "INSERT INTO " + Dialect.MYSQL.q(tgtSchema, job.name()) + " (" + job.writeColumnList(Dialect.MYSQL) + ") VALUES (" + marks + ")";
        long rows = 0;
        try (PreparedStatement sel = src.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             PreparedStatement ins = tgt.prepareStatement(insert)) {
            sel.setFetchSize(Integer.MIN_VALUE);
            sel.setString(1, tenant);
            int inBatch = 0;
            try (ResultSet r = sel.executeQuery()) {
                while (r.next()) {
                    for (int i = 1; i <= n; i++) {
                        ins.setObject(i, job.read(Dialect.MYSQL, r, i));
                    }
                    ins.addBatch();
                    rows++;
                    if (++inBatch == BATCH) {
                        ins.executeBatch();
                        tgt.commit();
                        inBatch = 0;
                        if (rows % PROGRESS_ROWS == 0) {
                            progress.accept(rows);
                        }
                    }
                }
            }
            if (inBatch > 0) {
                ins.executeBatch();
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- threads

    /** The source-side work of a copy; runs on the reader thread, which owns the source connection meanwhile. */
    @FunctionalInterface
    private interface ReadWork {
        void run() throws Exception;
    }

    private static Thread startReader(TableJob job, ReadWork work, ChunkPipe pipe) {
        Thread t = new Thread(() -> {
            try {
                work.run();
                pipe.end();
            } catch (CancellationException ignored) {
                // the writer failed and reports its own error
            } catch (Throwable ex) {
                pipe.fail(ex);
            }
        }, "tenantroute-copy-read-" + job.name());
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for the reader (it stops at its next put once cancelled); the source connection is ours again after. */
    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static void safeRollback(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; closing it discards the transaction
        }
    }
}
