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
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrateCommandTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void migrateVerifyAndJournal_throughTheCommands(Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        try (TestDatabase src = server.createDatabase("clim_src"); TestDatabase dst = server.createDatabase("clim_dst");
             TestDatabase ctl = server.createDatabase("clim_ctl")) {
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

            assertEquals(2, CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme"}, control)).code(), "--to missing is a usage error");
            CommandResult dry = CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme", "--to", "dedicated", "--dry-run"}, control));
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("invoice_lines") && dry.out().contains("child"), dry.out());
            assertEquals(1, CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme", "--to", "nowhere", "--yes"}, control)).code());

            CommandResult moved = CommandResult.run(new MigrateCommand(), CommandResult.concat(new String[] {"acme", "--to", "dedicated", "--no-throttle", "--yes"}, control));
            assertEquals(0, moved.code(), moved.err() + moved.out());
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), p)) {
                Route r = store.route("acme").orElseThrow();
                assertEquals("dedicated", r.target());
            }
            CommandResult verify = CommandResult.run(new VerifyCommand(), CommandResult.concat(new String[] {"acme"}, control));
            assertEquals(0, verify.code(), verify.err() + verify.out());
            CommandResult list = CommandResult.run(new MigrationsCommand(), CommandResult.concat(new String[] {"list", "--json"}, control));
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains("\"status\":\"done\""), list.out());
            assertTrue(list.out().contains("\"kind\":\"move\""), list.out());
            CommandResult table = CommandResult.run(new MigrationsCommand(), CommandResult.concat(new String[] {"list"}, control));
            assertTrue(table.out().contains("kind") && table.out().contains("move"), table.out());
            CommandResult show = CommandResult.run(new MigrationsCommand(), CommandResult.concat(new String[] {"show", "1"}, control));
            assertEquals(0, show.code(), show.err());
            assertTrue(show.out().contains("verify") && show.out().contains("invoice_lines"), show.out());
            assertTrue(show.out().startsWith("move 1: tenant 'acme'"), show.out());
        }
    }
}
