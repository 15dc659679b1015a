package io.tenantroute.routing.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which tables hold tenant data, read from a database's catalog: tables with their tenant column, and tables
 * chained to one of those by foreign keys (an {@code invoice_lines} row belongs to the tenant of its invoice).
 * Every other table is global (reference data) and may be read on {@code shared} without a tenant. The same rule
 * as the migrator's plan of what a move copies. Immutable snapshot; thread-safe.
 */
public final class TenantOwnedTables {
    private static final String PG_COLUMNS = "SELECT table_name, column_name FROM information_schema.columns"
            + " WHERE table_schema = ANY (current_schemas(false))";
    private static final String PG_FOREIGN_KEYS = "SELECT child.relname, parent.relname FROM pg_constraint c"
            + " JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid"
            + " JOIN pg_namespace n ON n.oid = child.relnamespace"
            + " WHERE c.contype = 'f' AND n.nspname = ANY (current_schemas(false))";
    private static final String MYSQL_COLUMNS = "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = DATABASE()";
    private static final String MYSQL_FOREIGN_KEYS = "SELECT TABLE_NAME, REFERENCED_TABLE_NAME"
            + " FROM information_schema.KEY_COLUMN_USAGE"
            + " WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL";

    private final Set<String> tables;
    private final Set<String> owned;

    private TenantOwnedTables(Set<String> tables, Set<String> owned) {
        this.tables = Collections.unmodifiableSet(new TreeSet<>(tables));
        TreeSet<String> o = new TreeSet<>(owned);
        this.owned = Collections.unmodifiableSet(o);
    }

    /**
     * @param tables every table of the catalog, lower case
     * @param owned the tenant-owned ones among them (also added to {@code tables}), lower case
     * @return the snapshot
     */
    public static TenantOwnedTables of(Set<String> tables, Set<String> owned) {
        Set<String> all = new TreeSet<>(tables);
        all.addAll(owned);
        return new TenantOwnedTables(all, owned);
    }

    /** @return every table of the schema(s) read, lower case, sorted, unmodifiable */
    public Set<String> tables() {
        return tables;
    }

    /** @return the tenant-owned tables, lower case, sorted, unmodifiable */
    public Set<String> owned() {
        return owned;
    }

    /**
     * Reads the tables of the connection's current schema(s) (PostgreSQL: the search path; MySQL: the current
     * database) and which are tenant-owned. Runs two catalog queries; blocks for their duration. Does not close
     * {@code c}.
     *
     * @param c a connection to the database whose catalog to read (the {@code shared} database)
     * @param dialect its dialect
     * @param columns the tenant column per table
     * @return the snapshot
     * @throws SQLException when the catalog cannot be read (the vendor's SQLState passes through)
     */
    public static TenantOwnedTables read(Connection c, SqlDialect dialect, TenantColumns columns) throws SQLException {
        boolean mysql = dialect == SqlDialect.MYSQL;
        Set<String> all = new TreeSet<>();
        Set<String> owned = new TreeSet<>();
        for (String[] row : rows(c, mysql ? MYSQL_COLUMNS : PG_COLUMNS)) {
            String table = row[0].toLowerCase(Locale.ROOT);
            all.add(table);
            if (columns.columnOf(table).equals(row[1].toLowerCase(Locale.ROOT))) {
                owned.add(table);
            }
        }
        Map<String, Set<String>> parents = new HashMap<>();
        for (String[] row : rows(c, mysql ? MYSQL_FOREIGN_KEYS : PG_FOREIGN_KEYS)) {
            parents.computeIfAbsent(row[0].toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>())
                    .add(row[1].toLowerCase(Locale.ROOT));
        }
        return of(all, closeOverForeignKeys(owned, parents));
    }

    @Override
    public String toString() {
        return "owned " + owned + " of " + tables.size() + " tables";
    }

    /**
     * @param owned tables with the tenant column
     * @param parents child table → tables it references
     * @return {@code owned} plus every table that references an owned table, directly or through a chain
     */
    static Set<String> closeOverForeignKeys(Set<String> owned, Map<String, Set<String>> parents) {
        Set<String> result = new TreeSet<>(owned);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, Set<String>> e : parents.entrySet()) {
                if (!result.contains(e.getKey()) && !Collections.disjoint(e.getValue(), result)) {
                    result.add(e.getKey());
                    grew = true;
                }
            }
        }
        return result;
    }

    private static List<String[]> rows(Connection c, String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }
}
