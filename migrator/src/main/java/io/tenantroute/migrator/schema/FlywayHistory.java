package io.tenantroute.migrator.schema;

import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;

/**
 * A location's Flyway history table ({@code flyway_schema_history}) for a tenant move, so that the moved tenant's new
 * location is at the same version as its source: what the mover needs for issue 13's "With moves" (see
 * docs/schema.md, "What a move must still do").
 *
 * <ul>
 *   <li>{@link #copy}: a destination provisioned from the source catalog gets the source's history, row for row
 *       (installed rank, version, description, type, script, checksum, installed by/on, execution time, success), so
 *       Flyway — and {@code schema status} — sees the version the tables are at.</li>
 *   <li>{@link #mark}: the source's history at one moment; taken at the move's plan and compared again just before the
 *       flip ({@link Mark#equals}): a different mark means the source's schema changed during the move, and the move
 *       must refuse to flip.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe; every method blocks on the database it is given.
 */
public final class FlywayHistory {
    /** Flyway's default history table, kept per location. */
    public static final String TABLE = FlywayRunner.HISTORY_TABLE;

    private FlywayHistory() {
    }

    /**
     * A location's history at one moment. Two marks are equal when nothing was applied, repaired or removed between them.
     *
     * @param rows rows in the history table
     * @param maxRank the highest {@code installed_rank}, 0 when empty
     * @param version the highest successfully applied version, or null
     * @param checksums the sum of every row's checksum (an edited row changes it)
     */
    public record Mark(int rows, int maxRank, String version, long checksums) {
    }

    /**
     * @param c a connection to the location's database
     * @param schema the location's schema (PostgreSQL) / database (MySQL)
     * @return the history's mark, or null when the location has no history table
     * @throws SQLException from the database
     */
    public static Mark mark(Connection c, String schema) throws SQLException {
        Dialect e = Dialect.of(c);
        if (!exists(e, c, schema)) {
            return null;
        }
        int rows = 0;
        int maxRank = 0;
        long sum = 0;
        MigrationVersion best = null;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT installed_rank, version, checksum, success FROM "
                + e.q(schema, TABLE))) {
            while (r.next()) {
                rows++;
                maxRank = Math.max(maxRank, r.getInt(1));
                sum += r.getLong(3);
                String v = r.getString(2);
                if (v != null && r.getBoolean(4)) {
                    MigrationVersion mv = MigrationVersion.fromVersion(v);
                    if (best == null || mv.compareTo(best) > 0) {
                        best = mv;
                    }
                }
            }
        }
        return new Mark(rows, maxRank, best == null ? null : best.getVersion(), sum);
    }

    /**
     * Copies the source location's history table into the destination schema: created there with the source's
     * definition (columns, primary key, indexes) when absent, then every row in {@code installed_rank} order. Same
     * engine on both sides. Run it in the step that creates the destination's tables (undo: drop it with them).
     *
     * @param src a connection to the source database
     * @param srcSchema the source location's schema
     * @param dst a connection to the destination database
     * @param dstSchema the destination schema (it must exist)
     * @return rows copied; 0 when the source has no history table (nothing is created then)
     * @throws SQLException {@code TR011} when the destination already has a history with rows (it was migrated on its own,
     *     or by {@code --schema-from}: its versions are its own), or the engines differ; errors of either database
     */
    public static int copy(Connection src, String srcSchema, Connection dst, String dstSchema) throws SQLException {
        Dialect e = Dialect.of(src);
        if (Dialect.of(dst) != e) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("Flyway history: source and destination engines differ");
        }
        if (!exists(e, src, srcSchema)) {
            return 0;
        }
        if (exists(e, dst, dstSchema)) {
            try (Statement s = dst.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + e.q(dstSchema, TABLE))) {
                r.next();
                if (r.getLong(1) > 0) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("Flyway history: " + dstSchema + "." + TABLE + " already has "
                            + r.getLong(1) + " row(s); not overwritten");
                }
            }
        } else {
            create(e, src, srcSchema, dst, dstSchema);
        }
        Catalog.Table def = Catalog.read(src, e, srcSchema).get(TABLE);
        List<String> cols = new ArrayList<>();
        for (Catalog.Column col : def.columns()) {
            cols.add(e.q(col.name()));
        }
        String list = String.join(", ", cols);
        int n = 0;
        boolean auto = dst.getAutoCommit();
        dst.setAutoCommit(false);
        try (Statement s = src.createStatement();
             ResultSet r = s.executeQuery("SELECT " + list + " FROM " + e.q(srcSchema, TABLE) + " ORDER BY installed_rank");
             PreparedStatement ins = dst.prepareStatement("INSERT INTO " + e.q(dstSchema, TABLE) + " (" + list + ") VALUES ("
                     + String.join(", ", java.util.Collections.nCopies(cols.size(), "?")) + ")")) {
            while (r.next()) {
                for (int i = 1; i <= cols.size(); i++) {
                    ins.setObject(i, r.getObject(i));
                }
                ins.addBatch();
                n++;
            }
            ins.executeBatch();
            dst.commit();
        } catch (SQLException ex) {
            dst.rollback();
            throw ex;
        } finally {
            dst.setAutoCommit(auto);
        }
        return n;
    }

    private static void create(Dialect e, Connection src, String srcSchema, Connection dst, String dstSchema) throws SQLException {
        Catalog.Table def = Catalog.read(src, e, srcSchema).get(TABLE);
        String qualified = e.q(dstSchema, TABLE);
        try (Statement s = dst.createStatement()) {
            if (e == Dialect.POSTGRESQL) {
                s.execute(String.format(def.createSql(), qualified));
                for (String idx : def.indexSql()) {
                    s.execute(String.format(idx, qualified));
                }
            } else {
                String ddl = def.createSql();
                String head = "CREATE TABLE " + e.q(TABLE);
                if (!ddl.startsWith(head)) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("Flyway history: unexpected definition of " + TABLE);
                }
                s.execute("CREATE TABLE " + qualified + ddl.substring(head.length()));
            }
        }
    }

    private static boolean exists(Dialect e, Connection c, String schema) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = ? AND k.relname = ? AND k.relkind = 'r'"
                : "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            p.setString(2, TABLE);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }
}
