package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.archive.ArchiveManifest;
import io.tenantroute.migrator.archive.ArchiveWriter;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.Planner;
import io.tenantroute.migrator.internal.TableJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;

/**
 * What the operations share (move, rollback, stats, export, cleanup): resolving targets, default schemas, finding
 * and counting the tenant's tables, writing an archive from one snapshot.
 */
final class Archiving {
    private Archiving() {
    }

    static Target resolve(TenantMapStore store, Target sharedTarget, String name) throws SQLException {
        var t = store.target(name);
        if (t.isPresent()) {
            return t.get();
        }
        if (Target.SHARED.equals(name) && sharedTarget != null) {
            return sharedTarget;
        }
        throw TenantRouteSqlState.UNKNOWN_TARGET.exception("target '" + name + "' is not defined in the tenant map");
    }

    static String defaultSchema(Dialect e, Connection c) throws SQLException {
        if (e == Dialect.MYSQL) {
            return c.getCatalog();
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            return r.getString(1);
        }
    }

    /** @return the tenant's owned and child tables of the schema, in FK load order */
    static List<TableJob> jobs(Connection c, Dialect e, String schema, String tenantColumn) throws SQLException {
        Map<String, Catalog.Table> tables = Catalog.read(c, e, schema);
        List<TableJob> jobs = new ArrayList<>();
        for (Ownership o : Planner.owned(tables, tenantColumn, Map.of())) {
            jobs.add(new TableJob(tables.get(o.table()), o));
        }
        return jobs;
    }

    static long count(Dialect e, Connection c, String schema, TableJob j, String tenant) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*)" + j.own().fromWhereTenant(e, schema))) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Creates the archive directory, refusing one that holds anything. */
    static void prepareDirectory(Path dir, String tenant) throws SQLException {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': " + dir + " exists and is not a directory");
                }
                try (var s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': " + dir
                                + " is not empty; give a new path (an archive is never overwritten)");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': cannot create " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** Removes what an unfinished archive wrote (the directory's files and the directory itself when it is then empty). */
    static void removeIncomplete(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().endsWith(".jsonl.gz") || p.getFileName().toString().startsWith(ArchiveManifest.FILE)) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort: an archive without manifest.json is incomplete and never read as complete
        }
    }

    /**
     * Writes every table's tenant rows into {@code dir} from ONE read-only consistent snapshot (PostgreSQL REPEATABLE
     * READ; MySQL START TRANSACTION WITH CONSISTENT SNAPSHOT), then the manifest, last.
     *
     * @param journalStep the journal step name for per-table rows and checksums ({@code export}, {@code archive})
     */
    static ArchiveManifest write(Dialect e, Connection c, Target src, String schema, List<TableJob> jobs, String tenant, Path dir, String kind,
            Long journalId, Long cleanedMove, MigrationJournal journal, String journalStep, MoveListener l) throws SQLException {
        Set<String> names = new HashSet<>();
        jobs.forEach(j -> names.add(j.name()));
        List<ArchiveManifest.Table> tables = new ArrayList<>();
        String version = c.getMetaData().getDatabaseProductVersion();
        boolean auto = c.getAutoCommit();
        String createdAt;
        try {
            if (e == Dialect.POSTGRESQL) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            } else {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                }
            }
            createdAt = Instant.now().toString();
            int i = 1;
            for (TableJob j : jobs) {
                long expected = count(e, c, schema, j, tenant); // inside the snapshot: what the file will hold
                l.tableStarted(j.name(), expected);
                ArchiveManifest.Table t = ArchiveWriter.write(e, c, schema, j, names, tenant, dir, ArchiveWriter.fileName(i++, j.name()),
                        n -> l.tableProgress(j.name(), n));
                tables.add(t);
                l.tableDone(j.name(), t.rows());
                if (journalId != null) {
                    journal.tableStep(journalId, journalStep, j.name(), t.rows(), t.checksum());
                }
            }
            c.commit();
        } catch (IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "' to " + dir + " failed: " + ex.getMessage(), ex);
        } finally {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                c.setReadOnly(false);
                c.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // the connection is closed by the caller
            }
        }
        ArchiveManifest m = new ArchiveManifest(ArchiveManifest.FORMAT, ArchiveManifest.VERSION, kind, tenant,
                new ArchiveManifest.Source(src.name(), schema, e.name().toLowerCase(java.util.Locale.ROOT), version), createdAt,
                TimeZone.getDefault().getID(), journalId, cleanedMove, tables);
        try {
            m.write(dir);
        } catch (IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': cannot write the manifest in " + dir + ": "
                    + ex.getMessage(), ex);
        }
        return m;
    }

    /** @return whether an archive path names a single zip file rather than a directory */
    static boolean isZip(Path p) {
        return p.getFileName() != null && p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }

    /**
     * Zips a complete archive directory into one file (entries stored: the table files are gzip already), written
     * to a temporary name and moved into place, then removes the directory.
     */
    static void zip(Path dir, Path file, String tenant) throws SQLException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (java.util.stream.Stream<Path> files = Files.list(dir);
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Path f : files.sorted().toList()) {
                java.util.zip.ZipEntry en = new java.util.zip.ZipEntry(f.getFileName().toString());
                out.putNextEntry(en);
                Files.copy(f, out);
                out.closeEntry();
            }
        } catch (java.io.IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': could not write " + file + ": "
                    + ex.getMessage(), ex);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("archive of tenant '" + tenant + "': could not move " + tmp + " to " + file, ex);
        }
        removeIncomplete(dir);
    }

    /** Unzips an archive file into a new temporary directory (entries that would land outside it are refused). */
    static Path unzip(Path file) throws SQLException {
        try {
            Path dir = Files.createTempDirectory("tenantroute-import");
            try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
                java.util.zip.ZipEntry en;
                while ((en = in.getNextEntry()) != null) {
                    Path to = dir.resolve(en.getName()).normalize();
                    if (!to.startsWith(dir) || en.isDirectory()) {
                        throw new java.io.IOException("unexpected entry " + en.getName());
                    }
                    Files.copy(in, to);
                }
            }
            return dir;
        } catch (java.io.IOException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("import refused: " + file + " is not a readable archive: " + ex.getMessage(), ex);
        }
    }
}
