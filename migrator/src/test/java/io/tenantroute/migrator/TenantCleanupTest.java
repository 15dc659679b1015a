package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.archive.ArchiveManifest;
import io.tenantroute.migrator.internal.Checksums;
import io.tenantroute.migrator.internal.SourceCapture;
import io.tenantroute.migrator.internal.TableJob;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantCleanupTest {
    static final String[] TABLES = {"customers", "invoices", "invoice_lines", "line_notes", "categories"};

    @TempDir
    Path tmp;

    static TenantCleanup cleanup(Fixture f) {
        return new TenantCleanup(f.store, f.journal, TargetConnector.direct(), null);
    }

    static io.tenantroute.config.Dialect ie(Engine e) {
        return e == Engine.POSTGRESQL ? io.tenantroute.config.Dialect.POSTGRESQL : io.tenantroute.config.Dialect.MYSQL;
    }

    static String srcSchema(Fixture f) {
        return f.engine == Engine.POSTGRESQL ? "public" : f.src.name();
    }

    /** Rows and checksum per owned table of a tenant on the fixture's source. */
    static Map<String, String> state(Fixture f, String tenant) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = f.src.connect()) {
            for (TableJob j : Archiving.jobs(c, ie(f.engine), srcSchema(f), "tenant_id")) {
                Checksums.Result r = Checksums.compute(ie(f.engine), c, srcSchema(f), j, tenant, null);
                out.put(j.name(), r.rows() + "/" + r.checksum());
            }
        }
        return out;
    }

    static long tenantRows(Fixture f, String tenant) throws SQLException {
        long n = 0;
        for (String v : state(f, tenant).values()) {
            n += Long.parseLong(v.substring(0, v.indexOf('/')));
        }
        return n;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cleanup_archivesThenDeletesOnlyTheTenant_unfences_andTheArchiveReimportsToIdenticalChecksums(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("cln_restore")) {
            f.seed(TenantMoverTest.QUOTED, 1000, 30);
            f.seed("globex", 5000, 12);
            Map<String, String> acmeBefore = state(f, TenantMoverTest.QUOTED);
            Map<String, String> globexBefore = state(f, "globex");
            MoveResult moved = f.mover().move(MoveRequest.of(TenantMoverTest.QUOTED, "dedicated"), MoveListener.NONE);

            Path dir = tmp.resolve("archive");
            TenantCleanup.CleanupResult r = cleanup(f).cleanup(TenantCleanup.CleanupRequest.of(TenantMoverTest.QUOTED).withArchive(dir)
                    .withBatchRows(2), MoveListener.NONE);
            assertEquals(moved.migrationId(), r.moveId());
            assertFalse(r.archiveReused());
            assertEquals(30, r.deleted().get("invoices"));
            assertEquals(List.of("line_notes", "invoice_lines", "invoices", "customers", "categories").subList(0, 3),
                    List.copyOf(r.deleted().keySet()).subList(0, 3), "children first");
            assertEquals(0, tenantRows(f, TenantMoverTest.QUOTED), "the tenant's old rows are gone");
            assertEquals(globexBefore, state(f, "globex"), "other tenants untouched");
            assertEquals(2, f.count(f.src, null, "SELECT COUNT(*) FROM countries", null), "reference tables untouched");
            // the manifest holds exactly what was there
            ArchiveManifest m = ArchiveManifest.read(dir);
            assertEquals("cleanup", m.kind());
            assertEquals(moved.migrationId(), m.cleanedMigrationId());
            for (Map.Entry<String, String> en : acmeBefore.entrySet()) {
                ArchiveManifest.Table t = m.table(en.getKey());
                assertEquals(en.getValue(), t.rows() + "/" + t.checksum(), en.getKey());
            }
            // the fence row and captured changes are gone; the tenant's rows on the destination are untouched
            try (Connection c = f.src.connect()) {
                assertNull(new SourceCapture(ie(engine), srcSchema(f)).state(c, TenantMoverTest.QUOTED));
            }
            assertEquals(30, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TenantMoverTest.QUOTED));
            // journaled as kind cleanup naming the move; rollback's record of it
            MigrationJournal.Migration j = f.journal.get(r.migrationId());
            assertEquals(MigrationJournal.CLEANUP, j.kind());
            assertEquals("done", j.status());
            assertEquals(Long.valueOf(moved.migrationId()), j.cleanedMoveId());
            assertNotNull(f.journal.cleanedUp(moved.migrationId()));
            assertTrue(f.journal.steps(r.migrationId()).stream().anyMatch(s -> "delete".equals(s.step()) && "invoices".equals(s.table()) && s.rows() == 30));
            assertTrue(f.journal.steps(r.migrationId()).stream().anyMatch(s -> "unfence".equals(s.step())));
            // a second cleanup is refused
            SQLException again = assertThrows(SQLException.class, () -> cleanup(f).cleanup(TenantCleanup.CleanupRequest.of(TenantMoverTest.QUOTED)
                    .withArchive(tmp.resolve("again")), MoveListener.NONE));
            assertTrue(again.getMessage().contains("already cleaned up"), again.getMessage());

            // the archive re-imports to identical checksums: the restore equals the tenant on its new target
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            TenantArchives.ImportResult in = new TenantArchives(f.store, f.journal, TargetConnector.direct(), null)
                    .importArchive(new TenantArchives.ImportRequest(dir, "restore", null, false, false, "test"), MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            VerifyReport v = f.mover().verify(TenantMoverTest.QUOTED, "restore", null, "tenant_id");
            assertTrue(v.matches(), v.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cleanupToAZipFile_writesOneFile_thatReimports(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("cln_zip")) {
            f.seed("acme", 1000, 9);
            f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            Path file = tmp.resolve("acme-old.zip");
            TenantCleanup.CleanupResult r = cleanup(f).cleanup(TenantCleanup.CleanupRequest.of("acme").withArchive(file), MoveListener.NONE);
            assertEquals(file, r.archive());
            assertTrue(java.nio.file.Files.isRegularFile(file));
            assertFalse(java.nio.file.Files.exists(tmp.resolve("acme-old.zip.parts")));
            assertEquals(0, tenantRows(f, "acme"));
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            TenantArchives.ImportResult in = new TenantArchives(f.store, f.journal, TargetConnector.direct(), null)
                    .importArchive(new TenantArchives.ImportRequest(file, "restore", null, false, false, "test"), MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            assertTrue(f.mover().verify("acme", "restore", null, "tenant_id").matches());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void interruptedCleanup_keepsFenceAndArchive_andResumesWhereItStopped(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("cln_resume")) {
            f.seed("acme", 1000, 40);
            f.seed("globex", 5000, 9);
            Map<String, String> acmeBefore = state(f, "acme");
            Map<String, String> globexBefore = state(f, "globex");
            long total = tenantRows(f, "acme");
            MoveResult moved = f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            Path dir = tmp.resolve("acme-archive");
            AtomicInteger batches = new AtomicInteger();
            MoveListener killer = new MoveListener() {
                @Override
                public void tableProgress(String table, long rows) {
                    if (batches.incrementAndGet() == 4) {
                        throw new TenantMoverTest.Kill(); // the process dies after 4 committed delete batches
                    }
                }
            };
            // tableProgress is also called while archiving: count delete batches only
            MoveListener deleteKiller = new MoveListener() {
                boolean deleting;

                @Override
                public void step(String step, String detail) {
                    deleting = step.equals("delete");
                }

                @Override
                public void tableProgress(String table, long rows) {
                    if (deleting) {
                        killer.tableProgress(table, rows);
                    }
                }
            };
            assertThrows(TenantMoverTest.Kill.class, () -> cleanup(f).cleanup(TenantCleanup.CleanupRequest.of("acme").withArchive(dir).withBatchRows(5),
                    deleteKiller));
            long left = tenantRows(f, "acme");
            assertEquals(total - 4 * 5, left, "4 batches of 5 rows deleted before the kill");
            assertTrue(ArchiveManifest.exists(dir));
            Long running = f.journal.activeMigration("acme");
            assertNotNull(running, "the interrupted cleanup still holds the tenant's lock");
            assertNotNull(f.journal.cleanedUp(moved.migrationId()), "rows are gone: a rollback must refuse already");
            // the fence still rejects the tenant's writes on the old source
            try (Connection c = f.src.connect()) {
                SQLException ex = assertThrows(SQLException.class, () -> TenantMoverTest.exec(c,
                        "UPDATE invoices SET total = 1 WHERE tenant_id = ?", "acme"));
                assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
                assertEquals(1, TenantMoverTest.exec(c, "UPDATE invoices SET total = 2 WHERE id = ?", "5000"), "others write");
            }
            globexBefore = state(f, "globex");
            String createdAt = ArchiveManifest.read(dir).createdAt();

            // resumed without naming the archive: the journal knows it; the complete archive is kept
            TenantCleanup.CleanupResult r = cleanup(f).cleanup(TenantCleanup.CleanupRequest.of("acme").withBatchRows(5), MoveListener.NONE);
            assertEquals(running, r.migrationId(), "the same journal row continues");
            assertTrue(r.archiveReused());
            assertEquals(dir.toAbsolutePath(), r.archive().toAbsolutePath());
            assertEquals(createdAt, ArchiveManifest.read(dir).createdAt(), "not re-archived");
            assertEquals(left, r.deleted().values().stream().mapToLong(Long::longValue).sum());
            assertEquals(0, tenantRows(f, "acme"));
            assertEquals(globexBefore, state(f, "globex"));
            assertEquals("done", f.journal.get(running).status());
            assertNull(f.journal.activeMigration("acme"));
            // the archive holds every row, also those deleted before the kill
            ArchiveManifest m = ArchiveManifest.read(dir);
            for (Map.Entry<String, String> en : acmeBefore.entrySet()) {
                assertEquals(en.getValue(), m.table(en.getKey()).rows() + "/" + m.table(en.getKey()).checksum(), en.getKey());
            }
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            TenantArchives.ImportResult in = new TenantArchives(f.store, f.journal, TargetConnector.direct(), null)
                    .importArchive(new TenantArchives.ImportRequest(dir, "restore", null, false, false, "test"), MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void refusals_noMove_unverifiedMove_routeElsewhere_tooRecent_changeNothing(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 10);
            Map<String, String> before = state(f, "acme");
            Path dir = tmp.resolve("never");

            SQLException none = refused(f, TenantCleanup.CleanupRequest.of("acme").withArchive(dir));
            assertTrue(none.getMessage().contains("no completed move"), none.getMessage());

            // killed while verifying: the move is not complete
            MoveListener killAtVerify = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("verify")) {
                        throw new TenantMoverTest.Kill();
                    }
                }
            };
            assertThrows(TenantMoverTest.Kill.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), killAtVerify));
            SQLException unverified = refused(f, TenantCleanup.CleanupRequest.of("acme").withArchive(dir));
            // inside the freeze the journal's step stays "freeze" (journal writes wait for the flip, off the write pause)
            assertTrue(unverified.getMessage().contains("verification passed") && unverified.getMessage().contains("interrupted at step freeze"),
                    unverified.getMessage());
            f.mover().abort("acme");
            SQLException aborted = refused(f, TenantCleanup.CleanupRequest.of("acme").withArchive(dir));
            assertTrue(aborted.getMessage().contains("no completed move") && aborted.getMessage().contains("aborted"), aborted.getMessage());

            MoveResult moved = f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            SQLException recent = refused(f, TenantCleanup.CleanupRequest.of("acme").withArchive(dir).withOlderThan(Duration.ofDays(7)));
            assertTrue(recent.getMessage().contains("less than 7d ago"), recent.getMessage());

            long v = f.route("acme").version();
            f.store.compareAndSetRoute("acme", v, "shared", null, io.tenantroute.config.RouteState.ACTIVE);
            SQLException elsewhere = refused(f, TenantCleanup.CleanupRequest.of("acme").withArchive(dir));
            assertTrue(elsewhere.getMessage().contains("route points at shared"), elsewhere.getMessage());

            // nothing changed: rows, fence, no archive, no cleanup in the journal
            assertEquals(before, state(f, "acme"));
            assertFalse(Files.exists(dir));
            try (Connection c = f.src.connect()) {
                assertEquals("fenced", new SourceCapture(ie(engine), srcSchema(f)).state(c, "acme"));
            }
            assertTrue(f.journal.history("acme", 100).stream().noneMatch(m -> MigrationJournal.CLEANUP.equals(m.kind())));
            assertNull(f.journal.cleanedUp(moved.migrationId()));
        }
    }

    private static SQLException refused(Fixture f, TenantCleanup.CleanupRequest req) {
        SQLException ex = assertThrows(SQLException.class, () -> cleanup(f).cleanup(req, MoveListener.NONE));
        assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
        assertTrue(ex.getMessage().contains("refused"), ex.getMessage());
        return ex;
    }
}
