package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PostgreSQL user-defined types that a move's tables use — enum types, domains and composite types (directly, as
 * an array's element type, as a domain's base type or a composite's attribute type) — so the destination has them
 * before the tables are created.
 *
 * <p>Where: a type of the tables' own schema ("local", the usual case) is created in the <b>destination schema</b>
 * under its own name. That is what keeps names resolving there: the source catalog prints such types unqualified
 * (the tables' schema is on the search path when it is read), the table DDL runs with the destination schema first
 * on the search path ({@link TargetSchema#createTable}), statements that cast to a type qualify it with the schema of
 * the side they run on ({@link Catalog.Column#typeIn}), and an application routed to a schema-per-tenant target
 * (whose search path is that schema alone) finds {@code 'x'::mood} there. A type of another schema (printed
 * qualified, e.g. {@code public.mood} for tables in {@code app}) keeps its qualified name: it must already exist on
 * the destination under that name; it is checked, not created.
 *
 * <p>A type that already exists on the destination with the same definition is used as it is (a schema-per-tenant
 * target in the same database, a second move); one with another definition, or absent when it is not created,
 * refuses the move with {@code TR011} naming the type and both definitions. Definitions are compared as the catalog
 * prints them, each side with its own schema on the search path: enum labels in order; domain base type, NOT NULL,
 * default and CHECK constraints (names ignored); composite attribute names and types in order.
 *
 * <p>Not covered: base types of extensions (the destination needs the extension, as before), range types, table row
 * types used as column types, domain collations. Stateless; every method blocks on the database.
 */
public final class PgTypes {
    private PgTypes() {
    }

    /**
     * A type the tables use, as read on the source.
     *
     * @param schema the type's schema on the source
     * @param name the type's name
     * @param local whether it is a type of the tables' own schema (created in the destination schema) or of another
     *     schema (must exist on the destination under the same qualified name)
     * @param definition the comparable definition, e.g. {@code ENUM ('sad', 'ok')}, {@code DOMAIN integer NOT NULL
     *     CHECK ((VALUE > 0))}, {@code COMPOSITE (x integer, m mood)}
     * @param ddl what follows {@code CREATE TYPE name} / {@code CREATE DOMAIN name}; constraint names kept
     * @param domain whether it is a domain ({@code CREATE DOMAIN}) rather than an enum or composite ({@code CREATE TYPE})
     */
    public record Type(String schema, String name, boolean local, String definition, String ddl, boolean domain) {
        /** @return {@code schema.name} on the destination: the destination schema for a local type */
        public String qualified(String dstSchema) {
            return (local ? dstSchema : schema) + "." + name;
        }
    }

    /**
     * The result of comparing the source's types with a destination.
     *
     * @param toCreate local types absent on the destination, in creation order
     * @param present types the destination has with the same definition
     * @param conflicts one line per type that refuses the move (different definition, or a non-local type absent)
     */
    public record Check(List<Type> toCreate, List<Type> present, List<String> conflicts) {
    }

    /** What {@link #describe} finds. */
    private record Def(String definition, String ddl, boolean domain) {
    }

    /**
     * @param c a connection to the source
     * @param schema the tables' schema
     * @param tables the tables whose column types count (the move's tables, copied reference tables)
     * @return the enum / domain / composite types they use, dependencies first (a domain's base type, a composite's
     *     attribute types, before the type)
     */
    public static List<Type> used(Connection c, String schema, Collection<Catalog.Table> tables) throws SQLException {
        List<Type> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Catalog.Table t : tables) {
            try (PreparedStatement p = c.prepareStatement("SELECT a.atttypid FROM pg_attribute a JOIN pg_class k ON k.oid = a.attrelid"
                    + " JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = ? AND k.relname = ? AND a.attnum > 0"
                    + " AND NOT a.attisdropped ORDER BY a.attnum")) {
                p.setString(1, schema);
                p.setString(2, t.name());
                List<Long> oids = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        oids.add(r.getLong(1));
                    }
                }
                for (long oid : oids) {
                    visit(c, schema, oid, seen, out);
                }
            }
        }
        return out;
    }

    private static void visit(Connection c, String schema, long oid, Set<Long> seen, List<Type> out) throws SQLException {
        if (!seen.add(oid)) {
            return;
        }
        String nsp;
        String name;
        String typtype;
        boolean array;
        long elem;
        long base;
        long relid;
        String relkind;
        try (PreparedStatement p = c.prepareStatement("SELECT n.nspname, t.typname, t.typtype, t.typtype = 'b' AND t.typcategory = 'A'"
                + " AND t.typelem <> 0, t.typelem, t.typbasetype, t.typrelid, k.relkind FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " LEFT JOIN pg_class k ON k.oid = t.typrelid WHERE t.oid = ?")) {
            p.setLong(1, oid);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return;
                }
                nsp = r.getString(1);
                name = r.getString(2);
                typtype = r.getString(3);
                array = r.getBoolean(4);
                elem = r.getLong(5);
                base = r.getLong(6);
                relid = r.getLong(7);
                relkind = r.getString(8);
            }
        }
        if (array) {
            visit(c, schema, elem, seen, out);
            return;
        }
        if (nsp.equals("pg_catalog") || nsp.equals("information_schema") || nsp.startsWith("pg_")) {
            return;
        }
        boolean composite = "c".equals(typtype) && "c".equals(relkind);
        if ("d".equals(typtype)) {
            visit(c, schema, base, seen, out);
        } else if (composite) {
            List<Long> atts = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT atttypid FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                    + " AND NOT attisdropped ORDER BY attnum")) {
                p.setLong(1, relid);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        atts.add(r.getLong(1));
                    }
                }
            }
            for (long a : atts) {
                visit(c, schema, a, seen, out);
            }
        } else if (!"e".equals(typtype)) {
            return; // base types of extensions, ranges, table row types: left to the destination as before
        }
        boolean local = nsp.equals(schema);
        Def d = describe(c, local ? schema : nsp, nsp, name);
        if (d != null) {
            out.add(new Type(nsp, name, local, d.definition(), d.ddl(), d.domain()));
        }
    }

    /**
     * Compares the types with the destination, changing nothing.
     *
     * @param dst a connection to the destination
     * @param dstSchema the destination schema (local types go there; it may not exist yet)
     */
    public static Check check(Connection dst, String dstSchema, List<Type> types) throws SQLException {
        List<Type> toCreate = new ArrayList<>();
        List<Type> present = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Type t : types) {
            String where = t.local() ? dstSchema : t.schema();
            Def there = describe(dst, where, where, t.name());
            if (there == null) {
                if (t.local()) {
                    toCreate.add(t);
                } else {
                    conflicts.add("type " + t.qualified(dstSchema) + " is absent on the destination (" + t.definition()
                            + "; types of schemas other than the tables' are not created: create it first)");
                }
            } else if (!there.definition().equals(t.definition())) {
                conflicts.add("type " + t.qualified(dstSchema) + " exists on the destination with a different definition (destination: "
                        + there.definition() + "; source: " + t.definition() + ")");
            } else {
                present.add(t);
            }
        }
        return new Check(toCreate, present, conflicts);
    }

    /**
     * Creates the local types the destination lacks, in dependency order, each with the destination schema first on
     * the search path (a domain over a local enum names it unqualified). Types already there with the same
     * definition are kept.
     *
     * @return names of the types created (in the destination schema), in creation order
     * @throws SQLException {@code TR011} naming the type when one exists with another definition or a non-local one
     *     is absent (nothing created by this call is left behind in that case)
     */
    public static List<String> create(Connection dst, String dstSchema, List<Type> types) throws SQLException {
        Check ck = check(dst, dstSchema, types);
        if (!ck.conflicts().isEmpty()) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception(String.join("; ", ck.conflicts()));
        }
        List<String> sql = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Type t : ck.toCreate()) {
            sql.add((t.domain() ? "CREATE DOMAIN " : "CREATE TYPE ") + Dialect.POSTGRESQL.q(dstSchema, t.name()) + " " + t.ddl());
            names.add(t.name());
        }
        if (!sql.isEmpty()) {
            TargetSchema.executeInSchema(Dialect.POSTGRESQL, dst, dstSchema, sql);
        }
        return names;
    }

    /** Drops types a move created (after its tables), last created first; absent ones are skipped. */
    public static void drop(Connection dst, String schema, List<String> names) throws SQLException {
        for (int i = names.size() - 1; i >= 0; i--) {
            String kind = null;
            try (PreparedStatement p = dst.prepareStatement("SELECT t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE n.nspname = ? AND t.typname = ?")) {
                p.setString(1, schema);
                p.setString(2, names.get(i));
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        kind = r.getString(1);
                    }
                }
            }
            if (kind != null) {
                try (Statement s = dst.createStatement()) {
                    s.execute(("d".equals(kind) ? "DROP DOMAIN " : "DROP TYPE ") + Dialect.POSTGRESQL.q(schema, names.get(i)));
                }
            }
        }
    }

    /**
     * Reads a type's definition with {@code resolveSchema} first on the search path, the session's own path after it
     * (types of that schema print unqualified, as do those of e.g. {@code public} when the session sees them — the
     * same names {@link TargetSchema#executeInSchema} resolves when the type is created).
     *
     * @return null when there is no type of that name in {@code typeSchema}
     */
    private static Def describe(Connection c, String resolveSchema, String typeSchema, String name) throws SQLException {
        String oldPath = Catalog.pushSearchPath(c, resolveSchema, true);
        try {
            long oid;
            String typtype;
            String relkind;
            long relid;
            try (PreparedStatement p = c.prepareStatement("SELECT t.oid, t.typtype, k.relkind, t.typrelid FROM pg_type t"
                    + " JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class k ON k.oid = t.typrelid"
                    + " WHERE n.nspname = ? AND t.typname = ?")) {
                p.setString(1, typeSchema);
                p.setString(2, name);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    oid = r.getLong(1);
                    typtype = r.getString(2);
                    relkind = r.getString(3);
                    relid = r.getLong(4);
                }
            }
            switch (typtype) {
                case "e": {
                    String labels = one(c, "SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = ?", oid);
                    String body = "(" + (labels == null ? "" : labels) + ")";
                    return new Def("ENUM " + body, "AS ENUM " + body, false);
                }
                case "d": {
                    String base;
                    boolean notNull;
                    String dflt;
                    try (PreparedStatement p = c.prepareStatement("SELECT format_type(typbasetype, typtypmod), typnotnull,"
                            + " pg_get_expr(typdefaultbin, 0) FROM pg_type WHERE oid = ?")) {
                        p.setLong(1, oid);
                        try (ResultSet r = p.executeQuery()) {
                            r.next();
                            base = r.getString(1);
                            notNull = r.getBoolean(2);
                            dflt = r.getString(3);
                        }
                    }
                    StringBuilder def = new StringBuilder("DOMAIN ").append(base);
                    StringBuilder ddl = new StringBuilder("AS ").append(base);
                    if (dflt != null) {
                        def.append(" DEFAULT ").append(dflt);
                        ddl.append(" DEFAULT ").append(dflt);
                    }
                    if (notNull) {
                        def.append(" NOT NULL");
                        ddl.append(" NOT NULL");
                    }
                    try (PreparedStatement p = c.prepareStatement("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                            + " WHERE contypid = ? AND contype = 'c' ORDER BY pg_get_constraintdef(oid), conname")) {
                        p.setLong(1, oid);
                        try (ResultSet r = p.executeQuery()) {
                            while (r.next()) {
                                def.append(' ').append(r.getString(2));
                                ddl.append(" CONSTRAINT ").append(Dialect.POSTGRESQL.q(r.getString(1))).append(' ').append(r.getString(2));
                            }
                        }
                    }
                    return new Def(def.toString(), ddl.toString(), true);
                }
                case "c":
                    if ("c".equals(relkind)) {
                        String atts = one(c, "SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                                + " FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped", relid);
                        String body = "(" + (atts == null ? "" : atts) + ")";
                        return new Def("COMPOSITE " + body, "AS " + body, false);
                    }
                    return new Def("the row type of a table", null, false);
                default:
                    return new Def("a type of kind '" + typtype + "'", null, false);
            }
        } finally {
            Catalog.restoreSearchPath(c, oldPath);
        }
    }

    private static String one(Connection c, String sql, long oid) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, oid);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }
}
