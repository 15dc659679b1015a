package io.tenantroute.migrator.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One owned table of a move with the SQL built for it.
 *
 * @param def the source definition
 * @param own how the tenant's rows are selected
 */
public record TableJob(Catalog.Table def, Ownership own) {
    /** @return the table name */
    public String name() {
        return def.name();
    }

    /** @return the column names, in order */
    public List<String> columns() {
        List<String> n = new ArrayList<>();
        for (Catalog.Column c : def.columns()) {
            n.add(c.name());
        }
        return n;
    }

    /** @return {@code t0.a, t0.b}; PostgreSQL with {@code ::text} when {@code asText} */
    public String selectList(Engine e, boolean asText) {
        StringBuilder b = new StringBuilder();
        for (Catalog.Column c : def.columns()) {
            b.append(b.length() > 0 ? ", " : "").append("t0.").append(e.q(c.name())).append(asText ? "::text" : "");
        }
        return b.toString();
    }

    /** @return {@code "a", "b"} */
    public String columnList(Engine e) {
        StringBuilder b = new StringBuilder();
        for (Catalog.Column c : def.columns()) {
            b.append(b.length() > 0 ? ", " : "").append(e.q(c.name()));
        }
        return b.toString();
    }

    /** @return the SQL type of a column */
    public String type(String column) {
        return def.column(column).type();
    }

    /**
     * Reads column {@code i} (1-based) for writing to the same engine. MySQL: as text except binary and bit
     * types — Connector/J drops fractional seconds of temporal objects against MariaDB (it reports 5.5.5-…),
     * text keeps them exact.
     */
    public Object read(Engine e, java.sql.ResultSet r, int i) throws java.sql.SQLException {
        if (e == Engine.POSTGRESQL) {
            return r.getString(i);
        }
        String t = def.columns().get(i - 1).type().toLowerCase(java.util.Locale.ROOT);
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
}
