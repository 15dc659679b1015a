package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.archive.ArchiveManifest;
import io.tenantroute.migrator.archive.ArchiveReader;
import io.tenantroute.migrator.archive.PortableType;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Checksums;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.TableJob;
import io.tenantroute.migrator.internal.TargetSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant export and import: a portable, streaming backup of one tenant in the archive format
 * ({@link ArchiveManifest}, {@code docs/archive.md}).
 *
 * <p>Export reads every owned and child table of the tenant, where its route points now, from one read-only
 * consistent snapshot, and writes one gzip-compressed JSON-lines file per table, then the manifest (counts and
 * checksums) last. Import creates absent tables from the manifest's portable types (the source's own types when
 * the engines match), refuses a target that already holds rows of the tenant, loads in FK order in one
 * transaction, adds the archived foreign keys between the tables it created, and verifies row counts and
 * checksums against the manifest. Import does not change the tenant's route unless asked ({@link ImportRequest#route()}),
 * and then only after a verified load.
 *
 * <p>Both are journaled ({@link MigrationJournal#EXPORT}, {@link MigrationJournal#IMPORT}) and take the tenant's
 * journal lock, so they do not run during a move, cleanup or rollback of the tenant. Thread-safe; every method
 * blocks on the databases and the file system.
 */
public final class TenantArchives {
    private static final Logger LOG = LoggerFactory.getLogger(TenantArchives.class);
    private static final DateTimeFormatter MYSQL_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final int BATCH = 500;

    private final TenantMapStore store;
    private final MigrationJournal journal;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /**
     * @param store the tenant map
     * @param journal the journal in the control database
     * @param connector opens connections to targets
     * @param sharedTarget the {@code shared} database when the map does not define a target of that name; may be null
     */
    public TenantArchives(TenantMapStore store, MigrationJournal journal, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.journal = journal;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    /**
     * An export's outcome.
     *
     * @param migrationId its journal id
     * @param archive the archive directory
     * @param manifest what it holds
     */
    public record ExportResult(long migrationId, Path archive, ArchiveManifest manifest) {
    }

    /**
     * What to import where.
     *
     * @param archive the archive directory
     * @param target destination target name
     * @param schema schema (PostgreSQL) / database (MySQL) there, or null for its default
     * @param createSchema create the schema when absent
     * @param route after a verified import, point the tenant's route at {@code target}/{@code schema}
     * @param operator who runs it, for the journal
     */
    public record ImportRequest(Path archive, String target, String schema, boolean createSchema, boolean route, String operator) {
    }

    /**
     * An import's outcome.
     *
     * @param migrationId its journal id
     * @param manifest the archive's manifest
     * @param verification per table: manifest rows/checksum ("source") vs the target's
     * @param createdTables tables the import created
     * @param routed whether the route now points at the import's target
     */
    public record ImportResult(long migrationId, ArchiveManifest manifest, VerifyReport verification, List<String> createdTables, boolean routed) {
    }

    /**
     * Exports the tenant's rows where its route points now.
     *
     * @param tenant the tenant id
     * @param dir the archive to create: a directory (absent or empty), or a single file when the name ends in
     *     {@code .zip} (absent; the same files, zipped once complete)
     * @param tenantColumn the tenant column ({@code tenant_id})
     * @param operator who runs it, for the journal
     * @param l progress (tables started, rows written, done)
     * @throws SQLException {@code TR006} invalid tenant, {@code TR005} unknown target, {@code TR011} when another
     *     operation holds the tenant's lock, the directory is not empty, or writing fails (the incomplete files are removed)
     */
    public ExportResult export(String tenant, Path dir, String tenantColumn, String operator, MoveListener l) throws SQLException {
        if (!Archiving.isZip(dir)) {
            return exportTo(tenant, dir, tenantColumn, operator, l);
        }
        TenantIds.requireValid(tenant);
        if (java.nio.file.Files.exists(dir)) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("export of tenant '" + tenant + "' refused: " + dir + " exists");
        }
        Path parts = dir.resolveSibling(dir.getFileName() + ".parts");
        ExportResult r = exportTo(tenant, parts, tenantColumn, operator, l);
        Archiving.zip(parts, dir, tenant);
        return new ExportResult(r.migrationId(), dir, r.manifest());
    }

    private ExportResult exportTo(String tenant, Path dir, String tenantColumn, String operator, MoveListener l) throws SQLException {
        TenantIds.requireValid(tenant);
        Route route = store.route(tenant).orElse(Route.implicitShared(tenant));
        Target src = Archiving.resolve(store, sharedTarget, route.target());
        try (Connection c = connector.open(src)) {
            Dialect e = Dialect.of(c);
            String schema = route.schema() != null ? route.schema() : Archiving.defaultSchema(e, c);
            List<TableJob> jobs = Archiving.jobs(c, e, schema, tenantColumn);
            if (jobs.isEmpty()) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("export of tenant '" + tenant + "' refused: no table in " + src.name() + "/"
                        + schema + " has the column " + tenantColumn);
            }
            Archiving.prepareDirectory(dir, tenant);
            long id = journal.begin(JournalKind.EXPORT, tenant, src.name(), schema, "file", null, "export", null, operator);
            try {
                l.step(MoveStep.EXPORT.journalName(), jobs.size() + " table(s) of " + src.name() + "/" + schema + " to " + dir);
                ArchiveManifest m = Archiving.write(e, c, src, schema, jobs, tenant, dir, "export", id, null, journal, "export", l);
                journal.finish(id, JournalStatus.DONE, null);
                l.step(MoveStep.DONE.journalName(), m.totalRows() + " rows in " + dir);
                return new ExportResult(id, dir, m);
            } catch (SQLException | RuntimeException ex) {
                Archiving.removeIncomplete(dir);
                journal.finish(id, JournalStatus.FAILED, TenantMover.oneLine(ex));
                throw ex;
            }
        }
    }

    /**
     * Imports an archive into a target and verifies it against the manifest.
     *
     * @return per-table verification; when it does not match, the rows stay loaded (for inspection), the journal
     *     says {@code failed}, and the route is not changed
     * @throws SQLException {@code TR011} before anything changed when the archive is incomplete or unreadable, the
     *     target holds rows of the tenant, a column type cannot be mapped to the target engine (names table.column
     *     and type), or an existing table lacks archived columns; {@code TR011} when loading fails (the load is
     *     rolled back and the tables it created are dropped); {@code TR005} unknown target
     */
    public ImportResult importArchive(ImportRequest req, MoveListener l) throws SQLException {
        if (!java.nio.file.Files.isRegularFile(req.archive())) {
            return importFrom(req, l);
        }
        Path dir = Archiving.unzip(req.archive());
        try {
            return importFrom(new ImportRequest(dir, req.target(), req.schema(), req.createSchema(), req.route(), req.operator()), l);
        } finally {
            Archiving.removeIncomplete(dir);
        }
    }

    private ImportResult importFrom(ImportRequest req, MoveListener l) throws SQLException {
        ArchiveManifest m;
        try {
            m = ArchiveManifest.read(req.archive());
        } catch (IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("import refused: " + ex.getMessage(), ex);
        }
        String tenant = TenantIds.requireValid(m.tenant());
        Target dst = Archiving.resolve(store, sharedTarget, req.target());
        try (Connection d = connector.open(dst)) {
            Dialect de = Dialect.of(d);
            String schema = req.schema() != null ? req.schema() : Archiving.defaultSchema(de, d);
            String where = "tenant '" + tenant + "' to " + dst.name() + "/" + schema;
            boolean sameEngine = de.name().toLowerCase(Locale.ROOT).equals(m.source().engine());
            List<String> unmapped = new ArrayList<>();
            for (ArchiveManifest.Table t : m.tables()) {
                for (ArchiveManifest.Column c : t.columns()) {
                    if (c.type() == null && !sameEngine) {
                        unmapped.add(t.name() + "." + c.name() + " (" + c.sourceType() + ")");
                    }
                }
            }
            if (!unmapped.isEmpty()) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("import of " + where + " refused: no portable type for "
                        + String.join(", ", unmapped) + " (" + m.source().engine() + " → " + de.name().toLowerCase(Locale.ROOT)
                        + "); such columns import only into the same engine");
            }
            boolean schemaExists = schema != null && TargetSchema.schemaExists(de, d, schema);
            if (!schemaExists && !req.createSchema()) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("import of " + where + " refused: " + schema + " does not exist (use --create)");
            }
            Map<String, Catalog.Table> existing = schemaExists ? Catalog.read(d, de, schema) : Map.of();
            List<String> problems = new ArrayList<>();
            for (ArchiveManifest.Table t : m.tables()) {
                Catalog.Table have = existing.get(t.name());
                if (have == null) {
                    continue;
                }
                for (String col : t.columnNames()) {
                    if (have.column(col) == null) {
                        problems.add(t.name() + " exists without column " + col);
                    }
                }
                boolean chain = existing.containsKey(t.rootTable()) && existing.get(t.rootTable()).column(t.tenantColumn()) != null;
                for (ArchiveManifest.ForeignKey fk : t.path()) {
                    chain &= existing.containsKey(fk.refTable());
                }
                if (!chain) {
                    problems.add(t.name() + " exists, but not its ownership chain " + t.ownership());
                } else if (problems.isEmpty() && Archiving.count(de, d, schema, job(t, existing), tenant) > 0) {
                    problems.add("tenant rows already in " + t.name());
                }
            }
            if (!problems.isEmpty()) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("import of " + where + " refused: " + String.join("; ", problems)
                        + " — nothing was changed");
            }
            long id = journal.begin(JournalKind.IMPORT, tenant, "file", null, dst.name(), schema, req.route() ? "import+route" : "import",
                    null, req.operator());
            List<String> created = new ArrayList<>();
            try {
                l.step(MoveStep.SCHEMA.journalName(), dst.name() + "/" + schema);
                if (!schemaExists) {
                    TargetSchema.createSchema(de, d, schema);
                }
                for (ArchiveManifest.Table t : m.tables()) {
                    if (!existing.containsKey(t.name())) {
                        createTable(de, d, schema, t, sameEngine);
                        created.add(t.name());
                        journal.tableStep(id, MoveStep.CREATE, t.name(), 0, null);
                    }
                }
                Map<String, Catalog.Table> tables = Catalog.read(d, de, schema);
                l.step(MoveStep.LOAD.journalName(), m.tables().size() + " table(s), " + m.totalRows() + " rows");
                load(de, d, schema, m, tables, req.archive(), id, l);
                l.step(MoveStep.CONSTRAINTS.journalName(), "");
                Set<String> createdSet = new HashSet<>(created);
                for (ArchiveManifest.Table t : m.tables()) {
                    if (createdSet.contains(t.name())) {
                        addForeignKeys(de, d, schema, t, createdSet);
                        TargetSchema.bumpIdentities(de, d, schema, new TableJob(tables.get(t.name()), job(t, tables).own()));
                    }
                }
            } catch (SQLException | RuntimeException ex) {
                for (int i = created.size() - 1; i >= 0; i--) {
                    try {
                        TargetSchema.dropTable(de, d, schema, created.get(i));
                    } catch (SQLException dropFailed) {
                        ex.addSuppressed(dropFailed);
                    }
                }
                String reason = TenantMover.oneLine(ex);
                journal.finish(id, JournalStatus.FAILED, reason);
                if (TenantRouteSqlState.MIGRATION_FAILED.matches(ex)) {
                    throw ex;
                }
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("import of " + where + " failed: " + reason + "; nothing was kept", ex);
            }
            l.step(MoveStep.VERIFY.journalName(), "");
            Map<String, Catalog.Table> tables = Catalog.read(d, de, schema);
            List<TableVerification> out = new ArrayList<>();
            for (ArchiveManifest.Table t : m.tables()) {
                Checksums.Result r = Checksums.compute(de, d, schema, job(t, tables), tenant, null);
                journal.tableStep(id, MoveStep.VERIFY, t.name(), r.rows(), r.checksum());
                List<String> why = new ArrayList<>();
                if (r.rows() != t.rows()) {
                    why.add(r.rows() + " rows on the target, " + t.rows() + " in the archive");
                } else if (!r.checksum().equals(t.checksum())) {
                    why.add("checksum differs (values changed in the type mapping; see docs/archive.md)");
                }
                out.add(new TableVerification(t.name(), t.rows(), r.rows(), t.checksum(), r.checksum(), why));
            }
            VerifyReport report = new VerifyReport(tenant, "archive", dst.name(), out);
            boolean routed = false;
            if (!report.matches()) {
                StringBuilder b = new StringBuilder();
                for (TableVerification tv : out) {
                    if (!tv.matches()) {
                        b.append(b.length() > 0 ? "; " : "").append(tv.table()).append(": ").append(String.join(", ", tv.mismatches()));
                    }
                }
                journal.finish(id, JournalStatus.FAILED, "verification against the manifest failed: " + b);
                LOG.warn("import of {}: verification against the manifest failed: {}", where, b);
            } else {
                if (req.route()) {
                    l.step(MoveStep.ROUTE.journalName(), dst.name() + (req.schema() != null ? "/" + req.schema() : ""));
                    Route r = store.route(tenant).orElse(null);
                    if (r == null) {
                        store.setRoute(tenant, dst.name(), req.schema());
                    } else {
                        store.compareAndSetRoute(tenant, r.version(), dst.name(), req.schema(), RouteState.ACTIVE);
                    }
                    routed = true;
                }
                journal.finish(id, JournalStatus.DONE, null);
                l.step(MoveStep.DONE.journalName(), m.totalRows() + " rows imported and verified");
            }
            return new ImportResult(id, m, report, created, routed);
        }
    }

    /** A job for an archived table on a target: the archived columns in archive order, the archived ownership path. */
    static TableJob job(ArchiveManifest.Table t, Map<String, Catalog.Table> tables) {
        Catalog.Table have = tables.get(t.name());
        List<Catalog.Column> cols = new ArrayList<>();
        for (String n : t.columnNames()) {
            cols.add(have.column(n));
        }
        List<Catalog.ForeignKey> hops = new ArrayList<>();
        for (ArchiveManifest.ForeignKey fk : t.path()) {
            hops.add(new Catalog.ForeignKey(fk.name(), fk.columns(), fk.refTable(), fk.refColumns(), null));
        }
        Catalog.Column tenantCol = tables.get(t.rootTable()).column(t.tenantColumn());
        Catalog.Table def = new Catalog.Table(t.name(), cols, t.keyColumns(), t.primaryKey(), have.foreignKeys(), 0, 0, null, List.of());
        return new TableJob(def, new Ownership(t.name(), hops, t.rootTable(), t.tenantColumn(), tenantCol.type(), tenantCol.schemaType()));
    }

    private static void createTable(Dialect e, Connection c, String schema, ArchiveManifest.Table t, boolean sameEngine) throws SQLException {
        StringBuilder b = new StringBuilder("CREATE TABLE ").append(e.q(schema, t.name())).append(" (");
        boolean first = true;
        for (ArchiveManifest.Column col : t.columns()) {
            boolean inKey = t.keyColumns().contains(col.name());
            String type = sameEngine ? col.sourceType() : PortableType.ddl(e, col.type(), inKey);
            PortableType.Kind kind = PortableType.kind(col.type());
            b.append(first ? "" : ", ").append(e.q(col.name())).append(' ').append(type);
            if (col.generated() != null && sameEngine) {
                // the source's own expression (its dialect): the target computes the column, the load skips it
                b.append(" GENERATED ALWAYS AS (").append(col.generated()).append(e == Dialect.POSTGRESQL || col.generatedStored() ? ") STORED" : ") VIRTUAL");
            } else if (col.autoIncrement() && kind == PortableType.Kind.INTEGER) {
                if (e == Dialect.POSTGRESQL) {
                    b.append(" GENERATED BY DEFAULT AS IDENTITY");
                } else if (!t.keyColumns().isEmpty() && t.keyColumns().get(0).equals(col.name())) {
                    b.append(" AUTO_INCREMENT");
                }
            }
            if (!col.nullable()) {
                b.append(" NOT NULL");
            }
            first = false;
        }
        if (!t.keyColumns().isEmpty()) {
            b.append(", ").append(t.primaryKey() ? "PRIMARY KEY (" : "UNIQUE (");
            for (int i = 0; i < t.keyColumns().size(); i++) {
                b.append(i > 0 ? ", " : "").append(e.q(t.keyColumns().get(i)));
            }
            b.append(')');
        }
        b.append(')').append(e == Dialect.MYSQL ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" : "");
        // same-engine source types and expressions name types of the source's schema unqualified: on PostgreSQL they
        // resolve in the import's schema first
        TargetSchema.executeInSchema(e, c, schema, List.of(b.toString()));
    }

    private static void addForeignKeys(Dialect e, Connection c, String schema, ArchiveManifest.Table t, Set<String> created) throws SQLException {
        for (ArchiveManifest.ForeignKey fk : t.foreignKeys()) {
            if (!created.contains(fk.refTable())) {
                continue;
            }
            StringBuilder b = new StringBuilder("ALTER TABLE ").append(e.q(schema, t.name())).append(" ADD CONSTRAINT ").append(e.q(fk.name()))
                    .append(" FOREIGN KEY (");
            for (int i = 0; i < fk.columns().size(); i++) {
                b.append(i > 0 ? ", " : "").append(e.q(fk.columns().get(i)));
            }
            b.append(") REFERENCES ").append(e.q(schema, fk.refTable())).append(" (");
            for (int i = 0; i < fk.refColumns().size(); i++) {
                b.append(i > 0 ? ", " : "").append(e.q(fk.refColumns().get(i)));
            }
            b.append(')');
            try (Statement s = c.createStatement()) {
                s.execute(b.toString());
            }
        }
    }

    /** Loads every table in manifest (FK) order in one transaction; FK checks off for the session on MySQL. */
    private void load(Dialect e, Connection d, String schema, ArchiveManifest m, Map<String, Catalog.Table> tables, Path dir, long id,
            MoveListener l) throws SQLException {
        boolean auto = d.getAutoCommit();
        d.setAutoCommit(false);
        try (Statement s = d.createStatement()) {
            if (e == Dialect.MYSQL) {
                s.execute("SET SESSION foreign_key_checks = 0");
            }
            for (ArchiveManifest.Table t : m.tables()) {
                l.tableStarted(t.name(), t.rows());
                long n = loadTable(e, d, schema, t, tables.get(t.name()), dir, rows -> l.tableProgress(t.name(), rows));
                l.tableDone(t.name(), n);
                journal.tableStep(id, MoveStep.LOAD, t.name(), n, null);
            }
            d.commit();
        } catch (SQLException | RuntimeException ex) {
            d.rollback();
            throw ex;
        } finally {
            if (e == Dialect.MYSQL) {
                try (Statement s = d.createStatement()) {
                    s.execute("SET SESSION foreign_key_checks = 1");
                }
            }
            d.setAutoCommit(auto);
        }
    }

    private static long loadTable(Dialect e, Connection d, String schema, ArchiveManifest.Table t, Catalog.Table have, Path dir,
            java.util.function.LongConsumer progress) throws SQLException {
        List<ArchiveManifest.Column> cols = t.columns();
        StringBuilder names = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        PortableType.Kind[] kinds = new PortableType.Kind[cols.size()];
        // archived values of columns the target generates are not written (it computes them; verification compares)
        boolean[] skip = new boolean[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            String n = cols.get(i).name();
            kinds[i] = PortableType.kind(cols.get(i).type());
            skip[i] = have.column(n).generated();
            if (skip[i]) {
                continue;
            }
            names.append(names.length() > 0 ? ", " : "").append(e.q(n));
            marks.append(marks.length() > 0 ? ", " : "").append(e == Dialect.POSTGRESQL ? "CAST(? AS " + have.column(n).typeIn(schema) + ")" : "?");
        }
        String sql = "INSERT INTO " + e.q(schema, t.name()) + " (" + names + ") VALUES (" + marks + ")";
        long rows = 0;
        try (PreparedStatement p = d.prepareStatement(sql); ArchiveReader in = ArchiveReader.open(dir, t)) {
            Object[] row;
            int batch = 0;
            while ((row = in.next()) != null) {
                for (int i = 0, at = 1; i < row.length; i++) {
                    if (skip[i]) {
                        continue;
                    }
                    try {
                        bind(e, p, at++, row[i], kinds[i]);
                    } catch (RuntimeException ex) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception("cannot import " + t.name() + "." + cols.get(i).name() + " ("
                                + cols.get(i).type() + ") value of row " + (rows + 1) + ": " + ex.getMessage(), ex);
                    }
                }
                p.addBatch();
                rows++;
                if (++batch == BATCH) {
                    p.executeBatch();
                    batch = 0;
                    if (rows % 5000 == 0) {
                        progress.accept(rows);
                    }
                }
            }
            if (batch > 0) {
                p.executeBatch();
            }
        } catch (IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("cannot read the archive: " + ex.getMessage(), ex);
        }
        progress.accept(rows);
        return rows;
    }

    private static void bind(Dialect e, PreparedStatement p, int i, Object v, PortableType.Kind kind) throws SQLException {
        if (v == null) {
            p.setNull(i, kind == PortableType.Kind.BINARY ? Types.BINARY : Types.VARCHAR);
            return;
        }
        if (v instanceof Boolean) {
            boolean b = (Boolean) v;
            if (e == Dialect.MYSQL) {
                p.setInt(i, b ? 1 : 0);
            } else {
                p.setString(i, b ? "true" : "false");
            }
            return;
        }
        String s = (String) v;
        switch (kind) {
            case BINARY:
                p.setBytes(i, Base64.getDecoder().decode(s));
                return;
            case TIMESTAMP:
                p.setString(i, e == Dialect.MYSQL ? s.replace('T', ' ') : s);
                return;
            case TIMESTAMPTZ:
                p.setString(i, e == Dialect.MYSQL ? LocalDateTime.ofInstant(Instant.parse(s), ZoneOffset.UTC).format(MYSQL_DATETIME) : s);
                return;
            default:
                p.setString(i, s);
        }
    }
}
