package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RollbackCommandTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void migrateThenRollback_throughTheCommands_bringsBackWritesMadeAfterTheCutover(Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        try (TestDatabase src = server.createDatabase("clir_src"); TestDatabase dst = server.createDatabase("clir_dst");
             TestDatabase ctl = server.createDatabase("clir_ctl")) {
            String schema = engine == Engine.POSTGRESQL ? "tenantroute" : ctl.name();
            try (Connection c = ctl.connect()) {
                ControlSchema.init(c, schema);
            }
            Properties p = new Properties();
            p.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                store.putTarget(new Target("dedicated", dst.url(), null, PasswordRef.NONE, 0));
            }
            src.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(100) NOT NULL, total int)",
                    "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id), qty int)",
                    "INSERT INTO invoices VALUES (1, 'acme', 10), (2, 'acme', 20), (3, 'globex', 30)",
                    "INSERT INTO invoice_lines VALUES (11, 1, 1), (21, 2, 2), (31, 3, 3)");
            String[] control = {"--control", ctl.url(), "--control-schema", schema, "--shared-url", src.url()};

            CommandResult none = CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme", "--yes"}, control));
            assertEquals(1, none.code());
            assertTrue(none.err().contains("no completed move"), none.err());
            assertEquals(2, CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme", "--mode", "sideways"}, control)).code());

            CommandResult moved = CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme", "--to", "dedicated", "--yes"}, control));
            assertEquals(0, moved.code(), moved.err() + moved.out());
            dst.execute("INSERT INTO invoices VALUES (4, 'acme', 40)", "INSERT INTO invoice_lines VALUES (41, 4, 4)",
                    "UPDATE invoices SET total = 11 WHERE id = 1", "DELETE FROM invoice_lines WHERE id = 21");

            CommandResult dry = CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme", "--dry-run"}, control));
            assertEquals(0, dry.code(), dry.err() + dry.out());
            assertTrue(dry.out().contains("no key collisions") && dry.out().contains("old rows fenced"), dry.out());
            assertEquals(1, CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme"}, control)).code(), "no terminal, no --yes");

            CommandResult back = CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme", "--yes", "--json"}, control));
            assertEquals(0, back.code(), back.err() + back.out());
            assertTrue(back.out().contains("\"event\":\"done\""), back.out());
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                Route r = store.route("acme").orElseThrow();
                assertEquals("shared", r.target());
            }
            assertEquals("1:11,2:20,3:30,4:40", ids(src, "SELECT id, total FROM invoices ORDER BY id"));
            assertEquals("11:1,31:3,41:4", ids(src, "SELECT id, qty FROM invoice_lines ORDER BY id"));

            CommandResult again = CommandResult.run(new RollbackCommand(), CommandResult.concat(new String[] {"acme", "--yes"}, control));
            assertEquals(1, again.code());
            assertTrue(again.err().contains("already rolled back"), again.err());
            CommandResult list = CommandResult.run(new MigrationsCommand(), CommandResult.concat(new String[] {"list", "--json"}, control));
            assertTrue(list.out().contains("\"kind\":\"rollback\""), list.out());
        }
    }

    private static String ids(TestDatabase db, String sql) throws Exception {
        StringBuilder b = new StringBuilder();
        try (Connection c = db.connect(); var s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                b.append(b.length() > 0 ? "," : "").append(r.getLong(1)).append(':').append(r.getLong(2));
            }
        }
        return b.toString();
    }
}
