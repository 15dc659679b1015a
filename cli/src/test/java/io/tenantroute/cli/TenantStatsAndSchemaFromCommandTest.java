package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tenantroute tenant stats} and {@code migrate --schema-from flyway:…} through the real command line
 * (in-process), on both engines.
 */
class TenantStatsAndSchemaFromCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantStats_thenMoveTheFlaggedTenantWithItsFlywayMigrations(Engine engine, @TempDir Path migrations) throws Exception {
        var server = TestDatabases.server(engine);
        try (TestDatabase src = server.createDatabase("clis_src"); TestDatabase dst = server.createDatabase("clis_dst");
             TestDatabase ctl = server.createDatabase("clis_ctl")) {
            String schema = engine == Engine.POSTGRESQL ? "tenantroute" : ctl.name();
            try (Connection c = ctl.connect()) {
                ControlSchema.init(c, schema);
            }
            Properties p = new Properties();
            p.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                store.putTarget(new Target("dedicated", dst.url(), null, PasswordRef.NONE, 0));
            }
            String invoices = "CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(100) NOT NULL, total int)";
            String lines = "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id), qty int)";
            src.execute(invoices, lines, "CREATE INDEX invoices_tenant ON invoices (tenant_id)",
                    "INSERT INTO invoices VALUES (1, 'acme', 10), (2, 'acme', 20), (3, 'globex', 30)",
                    "INSERT INTO invoice_lines VALUES (11, 1, 1), (12, 1, 2), (21, 2, 2), (31, 3, 3)");
            String[] control = {"--control", ctl.url(), "--control-schema", schema};

            CliRun json = CliRun.of(concat(new String[] {"tenant", "stats", "--threshold", "rows=3", "--threshold", "invoice_lines=5",
                "--json", "--shared-url", src.url()}, control));
            assertEquals(0, json.exit(), json::toString);
            JsonNode j = JSON.readTree(json.out());
            JsonNode first = j.get("tenants").get(0);
            assertEquals("acme", first.get("tenant").asText());
            assertEquals(5, first.get("rows").asLong(), "2 invoices + 3 lines");
            assertEquals(3, first.get("tableRows").get("invoice_lines").asLong());
            assertTrue(first.get("shouldMove").asBoolean(), first::toString);
            assertTrue(first.get("estimatedBytes").asLong() > 0, first::toString);
            assertEquals("estimate", j.get("estimates").get("estimatedBytes").asText());
            assertEquals("exact", j.get("estimates").get("rows").asText());
            assertFalse(j.get("tenants").get(1).get("shouldMove").asBoolean());
            assertEquals(1, j.get("shouldMove").asInt());

            CliRun text = CliRun.of(concat(new String[] {"tenant", "stats", "--top", "1", "--threshold", "rows=3", "--shared-url", src.url()},
                    control));
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().contains("acme") && !text.out().contains("globex"), text::toString);
            assertTrue(text.out().contains("YES") && text.out().contains("rows 5 > 3"), text::toString);
            assertTrue(text.out().contains("~bytes") && text.out().contains("estimate"), text::toString);
            assertTrue(text.out().contains("1 of 2 tenant(s) shown"), text::toString);

            JsonNode estimated = JSON.readTree(CliRun.of(concat(new String[] {"tenant", "stats", "--estimate-children", "--json",
                "--shared-url", src.url()}, control)).out());
            assertEquals("invoice_lines", estimated.get("tenants").get(0).get("estimatedTables").get(0).asText(), estimated::toString);

            CliRun bad = CliRun.of(concat(new String[] {"tenant", "stats", "--threshold", "rows", "--shared-url", src.url()}, control));
            assertEquals(2, bad.exit(), bad::toString);

            // the flagged tenant moves with the app's own migrations (a filesystem location)
            Files.writeString(migrations.resolve("V1__invoices.sql"), invoices + ";\n");
            Files.writeString(migrations.resolve("V2__lines.sql"), lines + ";\n");
            String from = "flyway:filesystem:" + migrations;
            String[] migrate = concat(control, new String[] {"--shared-url", src.url()});
            CliRun dry = withSystemOut(concat(new String[] {"migrate", "acme", "--to", "dedicated", "--schema-from", from, "--dry-run"}, migrate));
            assertEquals(0, dry.exit(), dry::toString);
            assertTrue(dry.out().contains("[pass] schema from " + from + ": 2 migration(s) found, 2 pending"), dry::toString);
            CliRun usage = withSystemOut(concat(new String[] {"migrate", "acme", "--to", "dedicated", "--schema-from", "liquibase:x"}, migrate));
            assertEquals(2, usage.exit(), usage::toString);
            CliRun moved = withSystemOut(concat(new String[] {"migrate", "acme", "--to", "dedicated", "--schema-from", from, "--yes"}, migrate));
            assertEquals(0, moved.exit(), moved::toString);
            assertTrue(moved.out().contains("2 migration(s) applied"), moved::toString);
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                assertEquals("dedicated", store.route("acme").orElseThrow().target());
            }
            // after the move the report counts acme where it lives, its old rows as leftover
            JsonNode after = JSON.readTree(CliRun.of(concat(new String[] {"tenant", "stats", "--json", "--threshold", "rows=3",
                "--shared-url", src.url()}, control)).out());
            JsonNode acme = after.get("tenants").get(0);
            assertEquals("dedicated", acme.get("target").asText());
            assertEquals(5, acme.get("leftoverRows").asLong());
            assertFalse(acme.get("shouldMove").asBoolean(), acme::toString);
        }
    }

    /** {@code migrate} prints to System.out (progress lines), not to picocli's writer: capture both. */
    private static synchronized CliRun withSystemOut(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(o, true));
        System.setErr(new java.io.PrintStream(e, true));
        try {
            CliRun r = CliRun.of(args);
            return new CliRun(r.exit(), r.out() + o, r.err() + e);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
