package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.util.ArrayList;
import java.util.List;

/**
 * One owned table of a move with the SQL built for it.
 *
 * <p>This is the one place that decides which columns are <em>read</em> and which are <em>written</em>. Every
 * column is read and compared ({@link #columns}, {@link #selectList}: verification checksums, the incremental
 * verifier, archives), generated columns included — both sides compute them from the same definition, so their
 * values agree, and the checksums of tables without generated columns stay what they were. Only the
 * {@linkplain #written() written columns} — every column but the generated ones, which the database computes and
 * refuses to be given — are copied, replayed, rolled back and imported ({@link #writeSelectList},
 * {@link #writeColumnList}, {@link #read}).
 *
 * <p>Type names: a PostgreSQL type of the table's own schema (enum, domain, composite) exists once per schema, so
 * SQL that names a type takes the schema of the side it runs on ({@link #type(String, String)},
 * {@link #keyMarks(Dialect, String, int)}).
 *
 * @param def the source definition
 * @param own how the tenant's rows are selected
 */
public record TableJob(Catalog.Table def, Ownership own) {
    /** @return the table name */
    public String name() {
        return def.name();
    }

    /** @return the names of every column, in table order: what is read and compared */
    public List<String> columns() {
        List<String> n = new ArrayList<>();
        for (Catalog.Column c : def.columns()) {
            n.add(c.name());
        }
        return n;
    }

    /** @return the columns a copy, replay, rollback or import writes, in table order: all but the generated ones */
    public List<Catalog.Column> written() {
        List<Catalog.Column> w = new ArrayList<>();
        for (Catalog.Column c : def.columns()) {
            if (!c.generated()) {
                w.add(c);
            }
        }
        return w;
    }

    /** @return the names of {@link #written()} */
    public List<String> writtenNames() {
        List<String> n = new ArrayList<>();
        for (Catalog.Column c : written()) {
            n.add(c.name());
        }
        return n;
    }

    /** @return whether some column is generated (not written) */
    public boolean hasGenerated() {
        return written().size() != def.columns().size();
    }

    /**
     * The read list: every column, in table order (verification hashes these).
     *
     * @return {@code t0.a, t0.b}; PostgreSQL with {@code ::text} when {@code asText}
     */
    public String selectList(Dialect e, boolean asText) {
        return selectList(def.columns(), e, asText);
    }

    /**
     * The columns to write, as a select list of the source (in the order of {@link #writeColumnList}).
     *
     * @return {@code t0.a, t0.b}; PostgreSQL with {@code ::text} when {@code asText}
     */
    public String writeSelectList(Dialect e, boolean asText) {
        return selectList(written(), e, asText);
    }

    private static String selectList(List<Catalog.Column> cols, Dialect e, boolean asText) {
        StringBuilder b = new StringBuilder();
        for (Catalog.Column c : cols) {
            b.append(b.length() > 0 ? ", " : "");
            if (e == Dialect.MYSQL && c.type().toLowerCase(java.util.Locale.ROOT).startsWith("float")) {
                // the text protocol sends FLOAT with 6 significant digits; as DOUBLE it is exact, and stored back into
                // FLOAT it rounds to the same value (MySQL Reference Manual, "Floating-Point Types")
                b.append("(t0.").append(e.q(c.name())).append(" + 0e0)");
            } else {
                b.append("t0.").append(e.q(c.name())).append(asText ? "::text" : "");
            }
        }
        return b.toString();
    }

    /** @return the columns to write as an INSERT / COPY column list: {@code "a", "b"} (no generated column) */
    public String writeColumnList(Dialect e) {
        StringBuilder b = new StringBuilder();
        for (Catalog.Column c : written()) {
            b.append(b.length() > 0 ? ", " : "").append(e.q(c.name()));
        }
        return b.toString();
    }

    /**
     * @param schema the schema of the side the SQL runs against
     * @return the SQL type of a column, resolving in {@code schema} ({@link Catalog.Column#typeIn})
     */
    public String type(String column, String schema) {
        return def.column(column).typeIn(schema);
    }

    /**
     * Reads written column {@code i} (1-based) of a result whose columns follow {@link #writeSelectList}, for writing
     * to the same engine (see {@link #read(Dialect, java.sql.ResultSet, int, Catalog.Column)}).
     */
    public Object read(Dialect e, java.sql.ResultSet r, int i) throws java.sql.SQLException {
        return read(e, r, i, written().get(i - 1));
    }

    /**
     * Reads result column {@code i} (1-based), holding column {@code c}, for writing to the same engine.
     * PostgreSQL: text. MySQL: as text except binary and bit types — Connector/J drops fractional seconds of
     * temporal objects against MariaDB (it reports 5.5.5-…), text keeps them exact.
     */
    public static Object read(Dialect e, java.sql.ResultSet r, int i, Catalog.Column c) throws java.sql.SQLException {
        if (e == Dialect.POSTGRESQL) {
            return r.getString(i);
        }
        String t = c.type().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("year")) {
            // getString of YEAR is a date (yearIsDateType): 0000 would come back as 2000-01-01; the raw text is exact
            byte[] b = r.getBytes(i);
            return b == null ? null : new String(b, java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (t.contains("blob") || t.contains("binary") || t.startsWith("bit") || t.contains("geometry") || t.contains("point")) {
            return r.getObject(i);
        }
        return r.getString(i);
    }

    /**
     * @return the key as the capture triggers write it ({@code jsonb_build_array(t0.k…)::text} /
     *     {@code JSON_ARRAY(t0.k…)}), so a key read by a query and a key taken from the change table are the same text
     * @param alias the table alias with its dot ({@code t0.}), or empty
     */
    public String keyJson(Dialect e, String alias) {
        StringBuilder b = new StringBuilder(e == Dialect.POSTGRESQL ? "jsonb_build_array(" : "JSON_ARRAY(");
        List<String> k = def.keyColumns();
        for (int i = 0; i < k.size(); i++) {
            b.append(i > 0 ? ", " : "").append(alias).append(e.q(k.get(i)));
        }
        return b.append(e == Dialect.POSTGRESQL ? ")::text" : ")").toString();
    }

    /** @return {@code alias.k} or {@code (alias.k1, alias.k2)} */
    public String keyTuple(Dialect e, String alias) {
        List<String> k = def.keyColumns();
        if (k.size() == 1) {
            return alias + e.q(k.get(0));
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < k.size(); i++) {
            b.append(i > 0 ? ", " : "").append(alias).append(e.q(k.get(i)));
        }
        return b.append(')').toString();
    }

    /**
     * @param schema the schema of the side the SQL runs against (key types resolve there)
     * @return {@code (?, ?, …)} for {@code n} keys, each bound as text (cast to the column type on PostgreSQL), to
     *     follow {@link #keyTuple} and {@code IN}
     */
    public String keyMarks(Dialect e, String schema, int n) {
        List<String> k = def.keyColumns();
        StringBuilder one = new StringBuilder(k.size() > 1 ? "(" : "");
        for (int i = 0; i < k.size(); i++) {
            one.append(i > 0 ? ", " : "").append(e == Dialect.POSTGRESQL ? "CAST(? AS " + type(k.get(i), schema) + ")" : "?");
        }
        if (k.size() > 1) {
            one.append(')');
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? ", " : "").append(one);
        }
        return b.append(')').toString();
    }
}
