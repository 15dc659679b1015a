package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** export, import and cleanup through the command line, against real databases. */
class ArchiveCommandsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exportImportCleanup_throughTheCommands(Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        try (TestDatabase src = server.createDatabase("clia_src"); TestDatabase dst = server.createDatabase("clia_dst");
             TestDatabase restore = server.createDatabase("clia_rst"); TestDatabase ctl = server.createDatabase("clia_ctl")) {
            String schema = engine == Engine.POSTGRESQL ? "tenantroute" : ctl.name();
            try (Connection c = ctl.connect()) {
                ControlSchema.init(c, schema);
            }
            Properties p = new Properties();
            p.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                store.putTarget(new Target("dedicated", dst.url(), null, PasswordRef.NONE, 0));
                store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            }
            src.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(100) NOT NULL, total int)",
                    "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id), qty int)",
                    "INSERT INTO invoices VALUES (1, 'acme', 10), (2, 'acme', 20), (3, 'globex', 30)",
                    "INSERT INTO invoice_lines VALUES (11, 1, 1), (12, 1, 2), (21, 2, 2), (31, 3, 3)");
            String[] control = {"--control", ctl.url(), "--control-schema", schema, "--shared-url", src.url()};

            // export
            Path exported = tmp.resolve("acme-export");
            CommandResult ex = CommandResult.run(new ExportCommand(), CommandResult.concat(new String[] {"acme", "-o", exported.toString()}, control));
            assertEquals(0, ex.code(), ex.err() + ex.out());
            assertTrue(ex.out().contains("invoice_lines") && ex.out().contains("rows 3"), ex.out());
            assertTrue(Files.exists(exported.resolve("manifest.json")));
            assertEquals(2, CommandResult.run(new ExportCommand(), CommandResult.concat(new String[] {"acme"}, control)).code(), "-o missing is a usage error");
            CommandResult exJson = CommandResult.run(new ExportCommand(), CommandResult.concat(new String[] {"globex", "-o", tmp.resolve("globex").toString(), "--json"}, control));
            assertEquals(0, exJson.code(), exJson.err());
            assertTrue(exJson.out().contains("\"event\":\"exported\"") && exJson.out().contains("\"event\":\"step\""), exJson.out());

            // cleanup before any move: refused, TR011, nothing changed
            CommandResult early = CommandResult.run(new CleanupCommand(), CommandResult.concat(new String[] {"acme", "--yes", "--archive", tmp.resolve("early").toString()}, control));
            assertEquals(1, early.code());
            assertTrue(early.err().contains("[TR011]") && early.err().contains("no completed move"), early.err());
            assertFalse(Files.exists(tmp.resolve("early")));
            assertEquals(2, count(src, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'acme'"));

            assertEquals(0, CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme", "--to", "dedicated", "--yes"}, control)).code());
            CommandResult young = CommandResult.run(new CleanupCommand(), CommandResult.concat(new String[] {"acme", "--yes", "--older-than", "7d"}, control));
            assertEquals(1, young.code());
            assertTrue(young.err().contains("[TR011]") && young.err().contains("less than 7d"), young.err());
            assertEquals(2, CommandResult.run(new CleanupCommand(), CommandResult.concat(new String[] {"acme", "--older-than", "soon"}, control)).code());

            // cleanup
            Path archive = tmp.resolve("acme-cleanup");
            CommandResult cleaned = CommandResult.run(new CleanupCommand(), CommandResult.concat(new String[] {"acme", "--yes", "--archive", archive.toString(), "--batch-rows", "1"},
                    control));
            assertEquals(0, cleaned.code(), cleaned.err() + cleaned.out());
            assertTrue(cleaned.out().contains("5 rows deleted"), cleaned.out());
            assertTrue(cleaned.out().contains("delete invoice_lines"), cleaned.out());
            assertEquals(0, count(src, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'acme'"));
            assertEquals(0, count(src, "SELECT COUNT(*) FROM invoice_lines WHERE invoice_id IN (1, 2)"));
            assertEquals(1, count(src, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'globex'"));
            assertEquals(1, count(src, "SELECT COUNT(*) FROM invoice_lines"));
            assertEquals(2, count(dst, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'acme'"));

            // import the cleanup's archive elsewhere; a second import is refused
            CommandResult imported = CommandResult.run(new ImportCommand(), CommandResult.concat(new String[] {archive.toString(), "--to", "restore"}, control));
            assertEquals(0, imported.code(), imported.err() + imported.out());
            assertTrue(imported.out().contains("verified against the manifest") && imported.out().contains("route unchanged"), imported.out());
            assertEquals(3, count(restore, "SELECT COUNT(*) FROM invoice_lines"));
            CommandResult twice = CommandResult.run(new ImportCommand(), CommandResult.concat(new String[] {archive.toString(), "--to", "restore"}, control));
            assertEquals(1, twice.code());
            assertTrue(twice.err().contains("[TR011]") && twice.err().contains("tenant rows already in"), twice.err());
            CommandResult unknown = CommandResult.run(new ImportCommand(), CommandResult.concat(new String[] {archive.toString(), "--to", "nowhere"}, control));
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("[TR005]"), unknown.err());
            assertEquals(2, CommandResult.run(new ImportCommand(), CommandResult.concat(new String[] {archive.toString()}, control)).code(), "--to missing is a usage error");

            CommandResult list = CommandResult.run(new MigrationsCommand(), CommandResult.concat(new String[] {"list", "--json"}, control));
            assertTrue(list.out().contains("\"kind\":\"cleanup\"") && list.out().contains("\"kind\":\"export\"") && list.out().contains("\"kind\":\"import\""),
                    list.out());
        }
    }

    static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
