package io.tenantroute.routing.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which column holds the tenant id, per table: a default ({@code tenant_id}) and per-table exceptions.
 * Names compare case-insensitively; a table is named without its schema. Immutable and thread-safe.
 */
public final class TenantColumns {
    /** The default tenant column name, {@code tenant_id}. */
    public static final String DEFAULT_COLUMN = "tenant_id";

    private static final TenantColumns DEFAULTS = new TenantColumns(DEFAULT_COLUMN, Map.of());

    private final String defaultColumn;
    private final Map<String, String> byTable;
    private final Set<String> allColumns;

    private TenantColumns(String defaultColumn, Map<String, String> byTable) {
        this.defaultColumn = normalize(defaultColumn, "defaultColumn");
        Map<String, String> m = new LinkedHashMap<>();
        byTable.forEach((t, c) -> m.put(normalize(t, "table"), normalize(c, "column of " + t)));
        this.byTable = Collections.unmodifiableMap(m);
        Set<String> all = new LinkedHashSet<>();
        all.add(this.defaultColumn);
        all.addAll(m.values());
        this.allColumns = Collections.unmodifiableSet(all);
    }

    /** @return {@code tenant_id} for every table */
    public static TenantColumns defaults() {
        return DEFAULTS;
    }

    /**
     * @param defaultColumn the column of every table not in {@code byTable}
     * @param byTable table name (without schema) → its tenant column
     * @return the configuration
     * @throws IllegalArgumentException when a name is null or blank
     */
    public static TenantColumns of(String defaultColumn, Map<String, String> byTable) {
        return new TenantColumns(defaultColumn, Objects.requireNonNull(byTable, "byTable"));
    }

    /**
     * Parses the driver property form: comma-separated entries, {@code column} sets the default and
     * {@code table=column} an exception, e.g. {@code "tenant_id, customers=org_id"}.
     *
     * @param spec the text; null or blank means {@link #defaults()}
     * @return the configuration
     * @throws IllegalArgumentException when an entry is malformed, e.g. {@code "=x"}
     */
    public static TenantColumns parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return DEFAULTS;
        }
        String def = DEFAULT_COLUMN;
        Map<String, String> m = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0) {
                def = e;
            } else {
                String t = e.substring(0, eq).trim();
                String c = e.substring(eq + 1).trim();
                if (t.isEmpty() || c.isEmpty()) {
                    throw new IllegalArgumentException("tenant column entry must be 'column' or 'table=column', was '"
                            + e + "'");
                }
                m.put(t, c);
            }
        }
        return new TenantColumns(def, m);
    }

    /**
     * @param table a table name without schema, any case
     * @return its tenant column, lower case
     */
    public String columnOf(String table) {
        return byTable.getOrDefault(table.toLowerCase(Locale.ROOT), defaultColumn);
    }

    /** @return the default column and every per-table column, lower case */
    public Set<String> allColumns() {
        return allColumns;
    }

    /** @return the default tenant column, lower case */
    public String defaultColumn() {
        return defaultColumn;
    }

    /** @return table → column exceptions, lower case, unmodifiable */
    public Map<String, String> byTable() {
        return byTable;
    }

    private static String normalize(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantColumns && ((TenantColumns) o).defaultColumn.equals(defaultColumn)
                && ((TenantColumns) o).byTable.equals(byTable);
    }

    @Override
    public int hashCode() {
        return defaultColumn.hashCode() * 31 + byTable.hashCode();
    }

    @Override
    public String toString() {
        return byTable.isEmpty() ? defaultColumn : defaultColumn + ", " + byTable;
    }
}
