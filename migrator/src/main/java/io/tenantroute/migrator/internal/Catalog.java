package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads table definitions of one schema from the source catalog (pg_catalog / information_schema), with
 * what is needed to recreate them on a target: columns, keys, foreign keys, indexes, DDL.
 */
public final class Catalog {
    /** Tables of the migrator itself on the source (MySQL keeps them in the app schema). */
    public static final String OWN_PREFIX = "tenantroute_";

    private Catalog() {
    }

    /**
     * A column.
     *
     * @param name the column name
     * @param type the type as the catalog prints it (PostgreSQL {@code format_type} with the table's schema on the
     *     search path: types of that schema unqualified; MySQL {@code column_type})
     * @param notNull NOT NULL
     * @param defaultExpr the default expression, or null (none, identity/serial, or generated)
     * @param autoIncrement identity / serial / AUTO_INCREMENT
     * @param generatedExpr the generation expression of a generated column (PostgreSQL {@code GENERATED ALWAYS AS
     *     (expr) STORED}, MySQL/MariaDB {@code AS (expr) VIRTUAL|STORED|PERSISTENT}), as the catalog prints it; null
     *     for an ordinary column. Generated columns are read and compared, never written (see {@link TableJob})
     * @param generatedStored whether a generated column is stored (PostgreSQL always; MySQL {@code STORED} /
     *     MariaDB {@code PERSISTENT}) rather than virtual
     * @param schemaType PostgreSQL: the type (or the element type of an array) is an enum, domain or composite type
     *     defined in the table's own schema, printed unqualified; it exists once per schema ({@link PgTypes} creates
     *     it in the destination schema), so SQL naming it qualifies it with the schema of the side it runs on
     *     ({@link #typeIn})
     */
    public record Column(String name, String type, boolean notNull, String defaultExpr, boolean autoIncrement, String generatedExpr,
            boolean generatedStored, boolean schemaType) {
        /** An ordinary column: not generated, its type not one of the table's schema. */
        public Column(String name, String type, boolean notNull, String defaultExpr, boolean autoIncrement) {
            this(name, type, notNull, defaultExpr, autoIncrement, null, false, false);
        }

        /** @return whether the database computes this column ({@link #generatedExpr}) */
        public boolean generated() {
            return generatedExpr != null;
        }

        /**
         * @param schema the schema the SQL runs against (source or destination side)
         * @return the type name that resolves there: {@link #type} qualified with {@code schema} when it is a
         *     {@linkplain #schemaType type of the table's schema}, else {@link #type} as it is
         */
        public String typeIn(String schema) {
            return schemaType ? Dialect.POSTGRESQL.q(schema) + "." + type : type;
        }
    }

    /** A foreign key: {@code columns} of the table reference {@code refColumns} of {@code refTable} (same schema). */
    public record ForeignKey(String name, List<String> columns, String refTable, List<String> refColumns, String definition) {
    }

    /**
     * A table.
     *
     * @param keyColumns primary key, else the first unique key whose columns are all NOT NULL; empty when none
     * @param hasPrimaryKey whether {@code keyColumns} is the primary key
     * @param createSql CREATE TABLE without foreign keys, unqualified table name for MySQL, {@code %s} for the
     *     qualified name on PostgreSQL
     * @param indexSql extra CREATE INDEX statements (PostgreSQL; {@code %s} for the qualified table name)
     */
    public record Table(String name, List<Column> columns, List<String> keyColumns, boolean hasPrimaryKey,
            List<ForeignKey> foreignKeys, long estimatedRows, long sizeBytes, String createSql, List<String> indexSql) {
        public Column column(String n) {
            for (Column c : columns) {
                if (c.name().equals(n)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * @param c a connection to the source database
     * @param schema the schema (PostgreSQL) or database (MySQL)
     * @return the base tables of that schema, by name; the migrator's own tables left out
     */
    public static Map<String, Table> read(Connection c, Dialect engine, String schema) throws SQLException {
        return engine == Dialect.POSTGRESQL ? readPg(c, schema) : readMySql(c, schema);
    }

    private static Map<String, Table> readPg(Connection c, String schema) throws SQLException {
        // Constraint definitions print unqualified names when the schema is on the search path, so the
        // foreign keys can be replayed in another schema as they are.
        String oldPath = pushSearchPath(c, schema, false);
        try {
            Map<String, Table> out = new LinkedHashMap<>();
            List<Object[]> tables = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT c.relname, c.oid, greatest(c.reltuples,0)::bigint, pg_total_relation_size(c.oid)"
                            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE n.nspname = ? AND c.relkind IN ('r','p') AND NOT c.relispartition ORDER BY c.relname")) {
                p.setString(1, schema);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        tables.add(new Object[] {r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)});
                    }
                }
            }
            for (Object[] t : tables) {
                String name = (String) t[0];
                long oid = (Long) t[1];
                List<Column> cols = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                                + " a.attidentity, a.attgenerated,"
                                // the type, or an array's element type, is an enum / domain / composite of this schema
                                + " u.typnamespace = c.relnamespace AND (u.typtype IN ('e', 'd') OR u.typtype = 'c'"
                                + "   AND EXISTS (SELECT 1 FROM pg_class k WHERE k.oid = u.typrelid AND k.relkind = 'c'))"
                                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid"
                                + " JOIN pg_type u ON u.oid = CASE WHEN t.typtype = 'b' AND t.typcategory = 'A' AND t.typelem <> 0"
                                + "   THEN t.typelem ELSE t.oid END"
                                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                                + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
                    p.setLong(1, oid);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            String def = r.getString(4);
                            String ident = r.getString(5);
                            boolean generated = "s".equals(r.getString(6));
                            boolean auto = !generated && ((ident != null && !ident.isEmpty()) || (def != null && def.startsWith("nextval(")));
                            cols.add(new Column(r.getString(1), r.getString(2), r.getBoolean(3), auto || generated ? null : def, auto,
                                    generated ? def : null, generated, r.getBoolean(7)));
                        }
                    }
                }
                List<String> pk = List.of();
                List<String> uniqueKey = null;
                List<String> constraintDefs = new ArrayList<>();
                List<ForeignKey> fks = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT con.conname, con.contype, pg_get_constraintdef(con.oid),"
                                + " (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)"
                                + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),"
                                + " fc.relname, fn.nspname,"
                                + " (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)"
                                + "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n)"
                                + " FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid"
                                + " LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace"
                                + " WHERE con.conrelid = ? ORDER BY con.contype, con.conname")) {
                    p.setLong(1, oid);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            String type = r.getString(2);
                            List<String> keyCols = strings(r.getArray(4));
                            String def = "CONSTRAINT " + Dialect.POSTGRESQL.q(r.getString(1)) + " " + r.getString(3);
                            switch (type) {
                                case "p":
                                    pk = keyCols;
                                    constraintDefs.add(def);
                                    break;
                                case "u":
                                    if (uniqueKey == null && allNotNull(cols, keyCols)) {
                                        uniqueKey = keyCols;
                                    }
                                    constraintDefs.add(def);
                                    break;
                                case "c":
                                case "x":
                                    constraintDefs.add(def);
                                    break;
                                case "f":
                                    if (schema.equals(r.getString(6))) {
                                        fks.add(new ForeignKey(r.getString(1), keyCols, r.getString(5), strings(r.getArray(7)), def));
                                    }
                                    break;
                                default:
                                    break;
                            }
                        }
                    }
                }
                List<String> indexes = new ArrayList<>();
                String qualified;
                try (PreparedStatement p = c.prepareStatement("SELECT quote_ident(?) || '.' || quote_ident(?)")) {
                    p.setString(1, schema);
                    p.setString(2, name);
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        qualified = r.getString(1);
                    }
                }
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ?"
                                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)")) {
                    p.setLong(1, oid);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            String d = r.getString(1);
                            String marker = " ON " + qualified + " USING ";
                            int at = d.indexOf(marker);
                            if (at < 0) {
                                marker = " ON ONLY " + qualified + " USING ";
                                at = d.indexOf(marker);
                            }
                            if (at > 0) {
                                indexes.add(d.substring(0, at).replace("%", "%%") + " ON %s USING " + d.substring(at + marker.length()).replace("%", "%%"));
                            }
                        }
                    }
                }
                StringBuilder ddl = new StringBuilder("CREATE TABLE %s (");
                boolean first = true;
                for (Column col : cols) {
                    ddl.append(first ? "\n  " : ",\n  ").append(Dialect.POSTGRESQL.q(col.name())).append(' ').append(col.type());
                    if (col.autoIncrement()) {
                        ddl.append(" GENERATED BY DEFAULT AS IDENTITY");
                    } else if (col.generated()) {
                        ddl.append(" GENERATED ALWAYS AS (").append(col.generatedExpr().replace("%", "%%")).append(") STORED");
                    } else if (col.defaultExpr() != null) {
                        ddl.append(" DEFAULT ").append(col.defaultExpr().replace("%", "%%"));
                    }
                    if (col.notNull()) {
                        ddl.append(" NOT NULL");
                    }
                    first = false;
                }
                for (String d : constraintDefs) {
                    ddl.append(",\n  ").append(d.replace("%", "%%"));
                }
                ddl.append("\n)");
                boolean hasPk = !pk.isEmpty();
                List<String> key = hasPk ? pk : uniqueKey == null ? List.of() : uniqueKey;
                out.put(name, new Table(name, cols, key, hasPk, fks, (Long) t[2], (Long) t[3], ddl.toString(), indexes));
            }
            return out;
        } finally {
            restoreSearchPath(c, oldPath);
        }
    }

    /**
     * PostgreSQL: puts {@code schema} first on the session's search path (catalog functions then print its names
     * unqualified), alone or followed by the current path; undo with {@link #restoreSearchPath}.
     *
     * @return the search path before, for {@link #restoreSearchPath}
     */
    static String pushSearchPath(Connection c, String schema, boolean keepCurrent) throws SQLException {
        String oldPath;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW search_path")) {
            r.next();
            oldPath = r.getString(1);
        }
        try (PreparedStatement p = c.prepareStatement("SELECT set_config('search_path', quote_ident(?) || ?, false)")) {
            p.setString(1, schema);
            p.setString(2, !keepCurrent || oldPath == null || oldPath.isBlank() ? "" : ", " + oldPath);
            p.execute();
        }
        return oldPath;
    }

    /** Sets the session's search path back to what {@link #pushSearchPath} returned. */
    static void restoreSearchPath(Connection c, String oldPath) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT set_config('search_path', ?, false)")) {
            p.setString(1, oldPath);
            p.execute();
        }
    }

    private static final Pattern FK_LINE = Pattern.compile("^\\s*CONSTRAINT .* FOREIGN KEY .*$");

    private static Map<String, Table> readMySql(Connection c, String schema) throws SQLException {
        Map<String, Table> out = new LinkedHashMap<>();
        List<Object[]> tables = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT table_name, COALESCE(table_rows,0), COALESCE(data_length,0) + COALESCE(index_length,0)"
                        + " FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    if (!r.getString(1).startsWith(OWN_PREFIX)) {
                        tables.add(new Object[] {r.getString(1), r.getLong(2), r.getLong(3)});
                    }
                }
            }
        }
        for (Object[] t : tables) {
            String name = (String) t[0];
            List<Column> cols = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT column_name, column_type, is_nullable, column_default, extra, generation_expression FROM information_schema.columns"
                            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
                p.setString(1, schema);
                p.setString(2, name);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        String extra = r.getString(5) == null ? "" : r.getString(5).toLowerCase(java.util.Locale.ROOT);
                        // "VIRTUAL GENERATED" / "STORED GENERATED" (MariaDB: PERSISTENT shows as STORED); MySQL 8's
                        // "DEFAULT_GENERATED" is an expression default, an ordinary column
                        boolean virtual = extra.contains("virtual generated");
                        boolean stored = extra.contains("stored generated") || extra.contains("persistent generated");
                        String expr = virtual || stored ? r.getString(6) : null;
                        cols.add(new Column(r.getString(1), r.getString(2), "NO".equals(r.getString(3)), expr != null ? null : r.getString(4),
                                extra.contains("auto_increment"), expr, stored, false));
                    }
                }
            }
            Map<String, List<String>> uniques = new LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT index_name, column_name FROM information_schema.statistics WHERE table_schema = ? AND table_name = ?"
                            + " AND non_unique = 0 ORDER BY index_name <> 'PRIMARY', index_name, seq_in_index")) {
                p.setString(1, schema);
                p.setString(2, name);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        uniques.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
                    }
                }
            }
            boolean hasPk = uniques.containsKey("PRIMARY");
            List<String> key = List.of();
            for (List<String> u : uniques.values()) {
                if (allNotNull(cols, u)) {
                    key = u;
                    break;
                }
            }
            Map<String, ForeignKey> fks = new LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT constraint_name, column_name, referenced_table_name, referenced_column_name, referenced_table_schema"
                            + " FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = ?"
                            + " AND referenced_table_name IS NOT NULL ORDER BY constraint_name, ordinal_position")) {
                p.setString(1, schema);
                p.setString(2, name);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        if (!schema.equals(r.getString(5))) {
                            continue;
                        }
                        String cn = r.getString(1);
                        ForeignKey fk = fks.get(cn);
                        if (fk == null) {
                            fk = new ForeignKey(cn, new ArrayList<>(), r.getString(3), new ArrayList<>(), null);
                            fks.put(cn, fk);
                        }
                        fk.columns().add(r.getString(2));
                        fk.refColumns().add(r.getString(4));
                    }
                }
            }
            String show;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW CREATE TABLE " + Dialect.MYSQL.q(schema, name))) {
                r.next();
                show = r.getString(2);
            }
            // Foreign keys are added after the load (FK checks deferred): cut them out of the CREATE TABLE.
            String[] lines = show.split("\n");
            List<String> body = new ArrayList<>();
            Map<String, String> fkDefs = new LinkedHashMap<>();
            for (int i = 1; i < lines.length - 1; i++) {
                String l = lines[i].endsWith(",") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                if (FK_LINE.matcher(l).matches()) {
                    String n = l.trim().substring("CONSTRAINT ".length());
                    n = n.substring(1, n.indexOf("` FOREIGN KEY")).replace("``", "`");
                    fkDefs.put(n, l.trim());
                } else {
                    body.add(l);
                }
            }
            String ddl = lines[0] + "\n" + String.join(",\n", body) + "\n" + lines[lines.length - 1];
            List<ForeignKey> fkList = new ArrayList<>();
            for (ForeignKey fk : fks.values()) {
                fkList.add(new ForeignKey(fk.name(), List.copyOf(fk.columns()), fk.refTable(), List.copyOf(fk.refColumns()),
                        fkDefs.get(fk.name())));
            }
            out.put(name, new Table(name, cols, key, hasPk, fkList, (Long) t[1], (Long) t[2], ddl, List.of()));
        }
        return out;
    }

    private static boolean allNotNull(List<Column> cols, List<String> names) {
        for (String n : names) {
            boolean ok = false;
            for (Column c : cols) {
                if (c.name().equals(n) && c.notNull()) {
                    ok = true;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return !names.isEmpty();
    }

    private static List<String> strings(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return Arrays.asList((String[]) a.getArray());
    }
}
