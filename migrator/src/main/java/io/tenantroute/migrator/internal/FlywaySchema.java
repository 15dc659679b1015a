package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The destination's tables from the app's own Flyway migrations ({@code migrate --schema-from flyway:<location>})
 * instead of from the source catalog: run the migrations into the destination schema, check that every table of
 * the move is there with the source's columns, and take the migrations' foreign keys off the moved tables for
 * the copy (the move adds the source's back at its constraints step, as for tables it created itself).
 *
 * <p>Locations: {@code flyway:filesystem:/path}, {@code flyway:classpath:db/migration}, and {@code flyway:/path}
 * (a filesystem path). Flyway's history table ({@code flyway_schema_history}) lives in the destination schema,
 * so the app's later Flyway runs against the destination continue from it.
 *
 * <p>Immutable; the static methods are stateless. Every method blocks on the destination database.
 */
public final class FlywaySchema {
    /** The prefix of {@code --schema-from} values this class handles. */
    public static final String PREFIX = "flyway:";

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

    private final String spec;
    private final String location;

    private FlywaySchema(String spec, String location) {
        this.spec = spec;
        this.location = location;
    }

    /**
     * @param schemaFrom {@code flyway:<location>}
     * @return the parsed location
     * @throws SQLException {@code TR011} for anything else (empty location, a scheme other than filesystem/classpath)
     */
    public static FlywaySchema parse(String schemaFrom) throws SQLException {
        return parse(schemaFrom, "--schema-from");
    }

    /**
     * As {@link #parse(String)}, naming another option in the error (e.g. {@code --migrations} of {@code tenantroute schema}).
     *
     * @param spec {@code flyway:<location>}
     * @param option the option the value came from, for the message
     * @return the parsed location
     * @throws SQLException {@code TR011} for anything else (empty location, a scheme other than filesystem/classpath)
     */
    public static FlywaySchema parse(String spec, String option) throws SQLException {
        if (spec == null || !spec.startsWith(PREFIX) || spec.length() == PREFIX.length()) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception(option + " must be flyway:<location> (flyway:filesystem:/path,"
                    + " flyway:classpath:db/migration or flyway:/path), was '" + spec + "'");
        }
        String rest = spec.substring(PREFIX.length()).trim();
        Matcher m = SCHEME.matcher(rest);
        String loc;
        if (m.find()) {
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            if (!scheme.equals("filesystem") && !scheme.equals("classpath")) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception(option + " " + spec
                        + ": only filesystem: and classpath: Flyway locations are supported");
            }
            if (rest.length() == m.end()) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception(option + " " + spec + ": empty " + scheme + " location");
            }
            loc = scheme + ":" + rest.substring(m.end());
        } else {
            loc = "filesystem:" + rest;
        }
        return new FlywaySchema(spec, loc);
    }

    /** @return the value as given, e.g. {@code flyway:/srv/app/db/migration} */
    public String spec() {
        return spec;
    }

    /** @return the Flyway location, e.g. {@code filesystem:/srv/app/db/migration} */
    public String location() {
        return location;
    }

    private Flyway flyway(DataSource ds, String schema) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return Flyway.configure(loader != null ? loader : FlywaySchema.class.getClassLoader())
                .dataSource(ds)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations(location)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .load();
    }

    /**
     * Reads the migrations and the destination's history without changing anything (the plan's pre-check).
     *
     * @return {migrations found at the location, of which not yet applied on the destination}
     * @throws SQLException {@code TR011} when the location is missing or unreadable, or the destination unreadable
     */
    public int[] info(DataSource ds, String schema) throws SQLException {
        try {
            MigrationInfoService info = flyway(ds, schema).info();
            return new int[] {info.all().length, info.pending().length};
        } catch (FlywayException e) {
            throw failure("reading", schema, e);
        }
    }

    /**
     * Applies the pending migrations to the destination schema.
     *
     * @return migrations executed
     * @throws SQLException {@code TR011} when a migration fails (with the database's error in the message)
     */
    public int migrate(DataSource ds, String schema) throws SQLException {
        try {
            return flyway(ds, schema).migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw failure("running", schema, e);
        }
    }

    private SQLException failure(String what, String schema, FlywayException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s*\\R\\s*", " ").trim();
        return TenantRouteSqlState.MIGRATION_FAILED.exception(what + " Flyway migrations from " + location + " in schema " + schema
                + " failed: " + msg, e);
    }

    /** @return the base tables of the schema, by name */
    public static Set<String> tableNames(Dialect e, Connection c, String schema) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT k.relname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = ? AND k.relkind IN ('r','p')"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'";
        Set<String> out = new TreeSet<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Compares the destination's tables with the source's, for every table of the move. A difference is one of:
     * table missing; column missing; column type not able to hold every source value (a narrower integer,
     * shorter string, fewer numeric digits, or another type); NOT NULL on the destination but nullable on the
     * source; a column generated on one side only (generated columns are not copied); a destination-only column NOT
     * NULL without a default (the copy would not fill it); the source's
     * key columns (primary key, else NOT NULL unique key) not a key on the destination (catch-up replays by it).
     *
     * @param e the engine of both sides
     * @param jobs the tables of the move (source definitions)
     * @param destination the destination's tables, by name ({@link Catalog#read})
     * @return one line per difference, {@code table.column: …}, in load order; empty when everything matches
     */
    public static List<String> differences(Dialect e, List<TableJob> jobs, Map<String, Catalog.Table> destination) {
        List<String> out = new ArrayList<>();
        for (TableJob j : jobs) {
            Catalog.Table src = j.def();
            Catalog.Table dst = destination.get(j.name());
            if (dst == null) {
                out.add(j.name() + ": table missing on the destination");
                continue;
            }
            for (Catalog.Column sc : src.columns()) {
                Catalog.Column dc = dst.column(sc.name());
                if (dc == null) {
                    out.add(j.name() + "." + sc.name() + ": column missing on the destination (source: " + sc.type() + ")");
                    continue;
                }
                if (!compatible(e, sc.type(), dc.type())) {
                    out.add(j.name() + "." + sc.name() + ": type " + dc.type() + " on the destination cannot hold the source's " + sc.type());
                }
                if (dc.notNull() && !sc.notNull()) {
                    out.add(j.name() + "." + sc.name() + ": NOT NULL on the destination, nullable on the source");
                }
                if (sc.generated() && !dc.generated()) {
                    out.add(j.name() + "." + sc.name() + ": generated on the source, an ordinary column on the destination (the copy does not fill it)");
                } else if (!sc.generated() && dc.generated()) {
                    out.add(j.name() + "." + sc.name() + ": generated on the destination, an ordinary column on the source (the copy writes it)");
                }
            }
            for (Catalog.Column dc : dst.columns()) {
                if (src.column(dc.name()) == null && dc.notNull() && dc.defaultExpr() == null && !dc.autoIncrement() && !dc.generated()) {
                    out.add(j.name() + "." + dc.name() + ": only on the destination, NOT NULL without a default (the copy cannot fill it)");
                }
            }
            if (!src.keyColumns().isEmpty() && !new HashSet<>(src.keyColumns()).equals(new HashSet<>(dst.keyColumns()))) {
                out.add(j.name() + "(" + String.join(",", src.keyColumns()) + "): not the primary / NOT NULL unique key on the destination"
                        + (dst.keyColumns().isEmpty() ? " (it has none)" : " (it has " + String.join(",", dst.keyColumns()) + ")"));
            }
        }
        return out;
    }

    /**
     * Drops the foreign keys of the moved tables on the destination, so the parallel copy and the catch-up need
     * no load order (as for tables the move creates itself, which get their foreign keys only at the end).
     *
     * @param moved the move's tables
     * @param destination the destination's tables ({@link Catalog#read}), for their foreign keys
     * @return one line per dropped key: {@code table.name → referenced table}
     */
    public static List<String> dropForeignKeys(Dialect e, Connection c, String schema, Set<String> moved, Map<String, Catalog.Table> destination)
            throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (String t : moved) {
            Catalog.Table dt = destination.get(t);
            if (dt == null) {
                continue;
            }
            for (Catalog.ForeignKey fk : dt.foreignKeys()) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + e.q(schema, t) + (e == Dialect.POSTGRESQL ? " DROP CONSTRAINT " : " DROP FOREIGN KEY ") + e.q(fk.name()));
                }
                dropped.add(t + "." + fk.name() + " → " + fk.refTable() + (moved.contains(fk.refTable()) ? ""
                        : " (stays off: " + fk.refTable() + " is not part of the move)"));
            }
        }
        return dropped;
    }

    /**
     * @return whether a column of type {@code dst} holds every value of a column of type {@code src}
     *     (same engine; types as the catalog prints them)
     */
    static boolean compatible(Dialect e, String src, String dst) {
        String s = normalize(src);
        String d = normalize(dst);
        if (s.equals(d)) {
            return true;
        }
        int si = intRank(s);
        int di = intRank(d);
        if (si > 0 || di > 0) {
            return si > 0 && di >= si && s.endsWith(" unsigned") == d.endsWith(" unsigned");
        }
        long sl = stringLength(e, s);
        long dl = stringLength(e, d);
        if (sl > 0 || dl > 0) {
            // char(n) pads: only char(≥ n) or a varying type keeps its values
            boolean dstChar = d.startsWith("char(") || d.startsWith("character(") || d.equals("char") || d.equals("character");
            boolean srcChar = s.startsWith("char(") || s.startsWith("character(") || s.equals("char") || s.equals("character");
            return sl > 0 && dl >= sl && (!dstChar || srcChar);
        }
        int[] sn = numeric(s);
        int[] dn = numeric(d);
        if (sn != null && dn != null) {
            if (dn[0] < 0) {
                return true; // unconstrained numeric
            }
            return sn[0] >= 0 && dn[1] == sn[1] && dn[0] - dn[1] >= sn[0] - sn[1];
        }
        return false;
    }

    private static String normalize(String type) {
        String t = type.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
        // MySQL integer display widths (int(11)) say nothing about the range
        t = t.replaceAll("^(tinyint|smallint|mediumint|int|integer|bigint)\\(\\d+\\)", "$1");
        t = t.replace(" zerofill", "");
        return t;
    }

    private static int intRank(String t) {
        String base = t.endsWith(" unsigned") ? t.substring(0, t.length() - " unsigned".length()) : t;
        switch (base) {
            case "tinyint":
                return 1;
            case "smallint":
                return 2;
            case "mediumint":
                return 3;
            case "int":
            case "integer":
                return 4;
            case "bigint":
                return 8;
            default:
                return 0;
        }
    }

    private static final Pattern LENGTH = Pattern.compile("^(character varying|varchar|character|char)\\((\\d+)\\)$");

    /** @return the maximum length of a string type (Long.MAX_VALUE for unbounded), 0 when not a string type */
    private static long stringLength(Dialect e, String t) {
        Matcher m = LENGTH.matcher(t);
        if (m.matches()) {
            return Long.parseLong(m.group(2));
        }
        switch (t) {
            case "text":
                return e == Dialect.POSTGRESQL ? Long.MAX_VALUE : 65_535L;
            case "character varying":
            case "longtext":
                return Long.MAX_VALUE;
            case "mediumtext":
                return 16_777_215L;
            case "tinytext":
                return 255;
            default:
                return 0;
        }
    }

    private static final Pattern NUMERIC = Pattern.compile("^(numeric|decimal)(?:\\((\\d+)(?:,\\s*(\\d+))?\\))?$");

    /** @return {precision (-1 unconstrained), scale} for numeric/decimal, null otherwise */
    private static int[] numeric(String t) {
        Matcher m = NUMERIC.matcher(t);
        if (!m.matches()) {
            return null;
        }
        if (m.group(2) == null) {
            return new int[] {-1, 0};
        }
        return new int[] {Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
    }
}
