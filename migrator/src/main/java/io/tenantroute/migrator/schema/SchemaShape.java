package io.tenantroute.migrator.schema;

import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What drift compares between locations at the same version: the app's tables, their columns (type and
 * nullability) and their indexes (unique or not, method, columns or expressions, predicate), read from the catalog
 * ({@link Catalog#read} for tables and columns, one index query per location).
 *
 * <p>Only the app's objects: never Flyway's history table, TenantRoute's own tables on MySQL ({@code tenantroute_*}:
 * fence, change and bypass tables, see {@code SourceCapture}), nor the control tables where the location is the control
 * schema. TenantRoute's triggers and functions (capture {@code tenantroute_capture}, {@code tenantroute_no_truncate},
 * {@code tenantroute_[iud]_*}; on PostgreSQL their functions live in schema {@code tenantroute}) are not compared at all,
 * nor are the app's triggers, functions, views, foreign keys and check constraints — see docs/schema.md.
 *
 * <p>Immutable; equal shapes mean no drift. Index and column order do not matter.
 *
 * @param tables by table name
 */
record SchemaShape(Map<String, Table> tables) {
    /**
     * @param columns column name → {@code type} or {@code type NOT NULL}
     * @param indexes index name → its definition without names ({@code UNIQUE btree (id)}, {@code (tenant_id,issued)})
     */
    record Table(Map<String, String> columns, Map<String, String> indexes) {
    }

    /** Control tables of config and the migrator (ControlSchema, MigrationJournal, SchemaJournal). */
    static final Set<String> CONTROL_TABLES = Set.of("map_version", "targets", "routes", "schema_history", "migrations", "migration_steps",
            "migration_locks", "schema_runs", "schema_run_locations");

    /**
     * Reads a location's shape.
     *
     * @param controlSchema the control schema name: where the location's schema has that name, the control tables are
     *     left out
     */
    static SchemaShape read(Connection c, Dialect e, String schema, String controlSchema) throws SQLException {
        Map<String, Catalog.Table> tables = Catalog.read(c, e, schema);
        Map<String, Map<String, String>> indexes = e == Dialect.POSTGRESQL ? pgIndexes(c, schema) : mysqlIndexes(c, schema);
        Map<String, Table> out = new TreeMap<>();
        for (Catalog.Table t : tables.values()) {
            String n = t.name();
            if (n.equals(FlywayRunner.HISTORY_TABLE) || n.startsWith(Catalog.OWN_PREFIX) || (schema.equals(controlSchema) && CONTROL_TABLES.contains(n))) {
                continue;
            }
            Map<String, String> cols = new TreeMap<>();
            for (Catalog.Column col : t.columns()) {
                cols.put(col.name(), normalizeType(e, col.type()) + (col.notNull() ? " NOT NULL" : ""));
            }
            out.put(n, new Table(cols, new TreeMap<>(indexes.getOrDefault(n, Map.of()))));
        }
        return new SchemaShape(out);
    }

    private static Map<String, Map<String, String>> pgIndexes(Connection c, String schema) throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        // pg_get_indexdef qualifies the table with its schema; the part from USING on is the same in every schema
        try (PreparedStatement p = c.prepareStatement("SELECT t.relname, i.relname, ix.indisunique, pg_get_indexdef(ix.indexrelid)"
                + " FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relkind IN ('r','p')")) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String def = r.getString(4);
                    int using = def.indexOf(" USING ");
                    String tail = using < 0 ? def : def.substring(using + " USING ".length());
                    out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), (r.getBoolean(3) ? "UNIQUE " : "") + tail);
                }
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> mysqlIndexes(Connection c, String schema) throws SQLException {
        Map<String, Map<String, List<String>>> cols = new TreeMap<>();
        Map<String, String> kind = new TreeMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT table_name, index_name, non_unique, index_type, column_name, sub_part"
                + " FROM information_schema.statistics WHERE table_schema = ? ORDER BY table_name, index_name, seq_in_index")) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String table = r.getString(1);
                    String index = r.getString(2);
                    String sub = r.getString(6);
                    cols.computeIfAbsent(table, k -> new TreeMap<>()).computeIfAbsent(index, k -> new ArrayList<>())
                            .add(r.getString(5) + (sub == null ? "" : "(" + sub + ")"));
                    kind.put(table + "." + index, (r.getInt(3) == 0 ? "UNIQUE " : "") + r.getString(4).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        cols.forEach((table, idx) -> idx.forEach((name, c2) -> out.computeIfAbsent(table, k -> new TreeMap<>())
                .put(name, kind.get(table + "." + name) + " (" + String.join(", ", c2) + ")")));
        return out;
    }

    /** MySQL integer display widths ({@code int(11)} vs {@code int}) say nothing about the column. */
    private static String normalizeType(Dialect e, String type) {
        if (e == Dialect.MYSQL) {
            return type.replaceAll("^(tinyint|smallint|mediumint|int|integer|bigint)\\(\\d+\\)", "$1");
        }
        return type;
    }

    /**
     * How this location differs from the reference shape, one line each, {@code table.column: …} or
     * {@code table index name: …}, tables in name order.
     *
     * @param reference the shape most locations at the same version share
     * @return the differences; empty when equal
     */
    List<String> differencesFrom(SchemaShape reference) {
        List<String> out = new ArrayList<>();
        Set<String> names = new TreeSet<>(tables.keySet());
        names.addAll(reference.tables.keySet());
        for (String t : names) {
            Table here = tables.get(t);
            Table there = reference.tables.get(t);
            if (there == null) {
                out.add(t + ": table only here");
                continue;
            }
            if (here == null) {
                out.add(t + ": table missing here");
                continue;
            }
            Set<String> cols = new TreeSet<>(here.columns.keySet());
            cols.addAll(there.columns.keySet());
            for (String c : cols) {
                String h = here.columns.get(c);
                String r = there.columns.get(c);
                if (r == null) {
                    out.add(t + "." + c + ": column only here (" + h + ")");
                } else if (h == null) {
                    out.add(t + "." + c + ": column missing here (elsewhere " + r + ")");
                } else if (!h.equals(r)) {
                    out.add(t + "." + c + ": " + h + " here, " + r + " elsewhere");
                }
            }
            Set<String> idx = new TreeSet<>(here.indexes.keySet());
            idx.addAll(there.indexes.keySet());
            for (String i : idx) {
                String h = here.indexes.get(i);
                String r = there.indexes.get(i);
                if (r == null) {
                    out.add(t + " index " + i + ": only here (" + h + ")");
                } else if (h == null) {
                    out.add(t + " index " + i + ": missing here (elsewhere " + r + ")");
                } else if (!h.equals(r)) {
                    out.add(t + " index " + i + ": " + h + " here, " + r + " elsewhere");
                }
            }
        }
        return out;
    }
}
