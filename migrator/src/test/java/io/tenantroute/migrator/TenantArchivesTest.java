package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.archive.ArchiveManifest;
import io.tenantroute.migrator.archive.ArchiveReader;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantArchivesTest {
    @TempDir
    Path tmp;

    static TenantArchives archives(Fixture f) {
        return new TenantArchives(f.store, f.journal, TargetConnector.direct(), null);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exportToASingleZipFile_importsBackToTheSameChecksums(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("arc_zip")) {
            f.seed("acme", 1000, 12);
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            Path file = tmp.resolve("acme.zip");
            TenantArchives.ExportResult ex = archives(f).export("acme", file, "tenant_id", "test", MoveListener.NONE);
            assertTrue(java.nio.file.Files.isRegularFile(file), "one file");
            assertFalse(java.nio.file.Files.exists(tmp.resolve("acme.zip.parts")), "no directory left behind");
            assertEquals(12, ex.manifest().table("invoices").rows());
            SQLException exists = assertThrows(SQLException.class, () -> archives(f).export("acme", file, "tenant_id", "test", MoveListener.NONE));
            assertTrue(exists.getMessage().contains("exists"), exists.getMessage());
            TenantArchives.ImportResult in = archives(f).importArchive(new TenantArchives.ImportRequest(file, "restore", null, false, false, "test"),
                    MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            assertTrue(f.mover().verify("acme", "restore", null, "tenant_id").matches());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exportThenImport_sameEngine_verifiesAgainstManifest_andRefusesASecondImport(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("arc_restore")) {
            f.seed(TenantMoverTest.QUOTED, 1000, 25);
            f.seed("globex", 5000, 7);
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            Path dir = tmp.resolve("quoted");
            TenantArchives.ExportResult ex = archives(f).export(TenantMoverTest.QUOTED, dir, "tenant_id", "test", MoveListener.NONE);

            ArchiveManifest m = ArchiveManifest.read(dir);
            assertEquals(TenantMoverTest.QUOTED, m.tenant());
            assertEquals("export", m.kind());
            assertEquals("shared", m.source().target());
            List<String> order = m.tables().stream().map(ArchiveManifest.Table::name).toList();
            assertTrue(order.indexOf("customers") < order.indexOf("invoices") && order.indexOf("invoices") < order.indexOf("invoice_lines")
                    && order.indexOf("invoice_lines") < order.indexOf("line_notes"), order.toString());
            assertEquals(25, m.table("invoices").rows());
            assertEquals(50, m.table("invoice_lines").rows());
            assertEquals("invoices", m.table("line_notes").rootTable());
            assertEquals("decimal(12,2)", m.table("invoices").columns().get(3).type());
            assertFalse(order.contains("countries"), "reference tables are not the tenant's");
            try (ArchiveReader r = ArchiveReader.open(dir, m.table("invoices"))) {
                Object[] row = r.next();
                assertEquals(TenantMoverTest.QUOTED, row[1]);
            }
            assertEquals("done", f.journal.get(ex.migrationId()).status());
            assertEquals(MigrationJournal.EXPORT, f.journal.get(ex.migrationId()).kind());

            TenantArchives.ImportResult in = archives(f).importArchive(new TenantArchives.ImportRequest(dir, "restore", null, false, false, "test"),
                    MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            assertFalse(in.routed());
            assertEquals("shared", f.route(TenantMoverTest.QUOTED).target(), "import leaves the route alone");
            assertEquals(25, f.count(restore, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TenantMoverTest.QUOTED));
            assertEquals(0, f.count(restore, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'globex'", null));
            // the manifest's checksums are what verification computes on a database: source vs the import
            VerifyReport v = f.mover().verify(TenantMoverTest.QUOTED, "restore", null, "tenant_id");
            assertTrue(v.matches(), v.toString());
            for (TableVerification tv : v.tables()) {
                assertEquals(m.table(tv.table()).checksum(), tv.sourceChecksum(), tv.table());
            }
            // FKs between the imported tables were added: a child without parent is rejected
            try (Connection c = restore.connect(); Statement s = c.createStatement()) {
                assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (999999, 424242, 1)"));
            }

            int journaled = f.journal.list(100).size();
            SQLException again = assertThrows(SQLException.class, () -> archives(f).importArchive(
                    new TenantArchives.ImportRequest(dir, "restore", null, false, false, "test"), MoveListener.NONE));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(again));
            assertTrue(again.getMessage().contains("tenant rows already in"), again.getMessage());
            assertEquals(25, f.count(restore, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TenantMoverTest.QUOTED));
            assertEquals(journaled, f.journal.list(100).size(), "a refused import is not journaled");

            SQLException notEmpty = assertThrows(SQLException.class, () -> archives(f).export("globex", dir, "tenant_id", "test", MoveListener.NONE));
            assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
        }
    }

    @Test
    void postgresqlToMysql_commonTypesRoundTrip_andUnmappableTypesAreNamed() throws Exception {
        var pg = TestDatabases.server(Engine.POSTGRESQL);
        var my = TestDatabases.server(Engine.MYSQL);
        try (TestDatabase src = pg.createDatabase("arc_pg"); TestDatabase ctl = pg.createDatabase("arc_ctl");
             TestDatabase mysql = my.createDatabase("arc_my"); TestDatabase back = pg.createDatabase("arc_back")) {
            MemoryTenantMapStore store = new MemoryTenantMapStore();
            store.putTarget(new Target(Target.SHARED, src.url(), null, PasswordRef.NONE, 0));
            store.putTarget(new Target("mysql", mysql.url(), null, PasswordRef.NONE, 0));
            store.putTarget(new Target("back", back.url(), null, PasswordRef.NONE, 0));
            MigrationJournal journal = new MigrationJournal(ctl::connect, "tenantroute");
            journal.init();
            src.execute("CREATE TABLE things (id bigint PRIMARY KEY, tenant_id text NOT NULL, name text, label varchar(40), qty integer,"
                            + " small smallint, price numeric(12,4), ratio double precision, active boolean, created timestamp(6),"
                            + " happened timestamptz, doc json, docb jsonb, ref uuid, raw bytea, day date)",
                    "CREATE TABLE thing_parts (id serial PRIMARY KEY, thing_id bigint NOT NULL REFERENCES things(id), note text)",
                    "INSERT INTO things VALUES (1, 'acme', 'Ünïcode ☃ \"q\" ''s''', 'lbl', 42, -7, 12345678.1234, 0.1, true,"
                            + " '2024-05-01 10:00:00.123456', '2024-05-01 10:00:00.654321+02', '{\"a\": [1, 2], \"b\": null}', '{\"z\": 1, \"a\": \"x\"}',"
                            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', '2024-02-29')",
                    "INSERT INTO things (id, tenant_id) VALUES (2, 'acme')",
                    "INSERT INTO things (id, tenant_id, name, active, price) VALUES (3, 'acme', '', false, -0.5000), (4, 'globex', 'other', true, 1)",
                    "INSERT INTO thing_parts (thing_id, note) VALUES (1, 'p1'), (1, NULL), (3, 'p3'), (4, 'not acme')");
            TenantArchives archives = new TenantArchives(store, journal, TargetConnector.direct(), null);
            Path dir = tmp.resolve("acme-pg");
            ArchiveManifest m = archives.export("acme", dir, "tenant_id", "test", MoveListener.NONE).manifest();
            assertEquals("timestamptz", m.table("things").columns().get(10).type());
            assertEquals("json", m.table("things").columns().get(12).type());

            TenantArchives.ImportResult in = archives.importArchive(new TenantArchives.ImportRequest(dir, "mysql", null, false, true, "test"),
                    MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            assertTrue(in.routed());
            assertEquals("mysql", store.route("acme").orElseThrow().target(), "--route points the tenant at the import");
            try (Connection c = mysql.connect(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT name, price, active, created, happened, doc, ref, HEX(raw), day, qty FROM things WHERE id = 1")) {
                assertTrue(r.next());
                assertEquals("Ünïcode ☃ \"q\" 's'", r.getString(1));
                assertEquals(0, new java.math.BigDecimal("12345678.1234").compareTo(r.getBigDecimal(2)));
                assertTrue(r.getBoolean(3));
                assertEquals("2024-05-01 10:00:00.123456", r.getString(4));
                assertEquals("2024-05-01 08:00:00.654321", r.getString(5), "timestamptz lands as UTC");
                assertEquals("{\"a\": [1, 2], \"b\": null}", r.getString(6));
                assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", r.getString(7));
                assertEquals("00FF10", r.getString(8));
                assertEquals("2024-02-29", r.getString(9));
                assertEquals(42, r.getInt(10));
            }
            assertEquals(3, countOf(mysql, "SELECT COUNT(*) FROM thing_parts"));
            // and back: export from MySQL (the route points there now), import into a new PostgreSQL database
            Path dir2 = tmp.resolve("acme-my");
            ArchiveManifest m2 = archives.export("acme", dir2, "tenant_id", "test", MoveListener.NONE).manifest();
            assertEquals("mysql", m2.source().engine());
            TenantArchives.ImportResult back2 = archives.importArchive(new TenantArchives.ImportRequest(dir2, "back", null, false, false, "test"),
                    MoveListener.NONE);
            assertTrue(back2.verification().matches(), back2.verification().toString());
            assertEquals(m.table("things").checksum(), m2.table("things").checksum(), "PG → MySQL → archive: the same checksum");

            // a type without a portable mapping: named, and nothing created on MySQL
            src.execute("CREATE TABLE schedules (id int PRIMARY KEY, tenant_id text NOT NULL, every interval, tags text[])",
                    "INSERT INTO schedules VALUES (1, 'globex', '1 day', '{a,b}')");
            store.setRoute("globex", "shared", null);
            Path dir3 = tmp.resolve("globex");
            archives.export("globex", dir3, "tenant_id", "test", MoveListener.NONE);
            try (TestDatabase mysql2 = my.createDatabase("arc_my2")) {
                store.putTarget(new Target("mysql2", mysql2.url(), null, PasswordRef.NONE, 0));
                SQLException ex = assertThrows(SQLException.class, () -> archives.importArchive(
                        new TenantArchives.ImportRequest(dir3, "mysql2", null, false, false, "test"), MoveListener.NONE));
                assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex));
                assertTrue(ex.getMessage().contains("schedules.every (interval)") && ex.getMessage().contains("schedules.tags (text[])"), ex.getMessage());
                assertEquals(0, countOf(mysql2, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"));
            }
            // the same archive imports into PostgreSQL, native types kept
            try (TestDatabase pg2 = pg.createDatabase("arc_pg2")) {
                store.putTarget(new Target("pg2", pg2.url(), null, PasswordRef.NONE, 0));
                TenantArchives.ImportResult ok = archives.importArchive(new TenantArchives.ImportRequest(dir3, "pg2", null, false, false, "test"),
                        MoveListener.NONE);
                assertTrue(ok.verification().matches(), ok.verification().toString());
                assertEquals(1, countOf(pg2, "SELECT COUNT(*) FROM schedules WHERE every = interval '1 day' AND tags = '{a,b}'"));
            }
            assertNull(journal.activeMigration("acme"));
            assertTrue(Files.exists(dir.resolve(ArchiveManifest.FILE)));
        }
    }

    static long countOf(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
