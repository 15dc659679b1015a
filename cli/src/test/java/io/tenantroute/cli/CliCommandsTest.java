package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.RouteState;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The operator commands run in-process against a fresh control database on real PostgreSQL and MariaDB:
 * output, JSON, exit codes 0/1/2, and that no password ever shows.
 */
class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(TestDatabase db, String... args) {
        // On MySQL the default control database `tenantroute` is server-wide: give each test its own.
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--control";
        all[args.length + 1] = db.url();
        all[args.length + 2] = "--control-schema";
        all[args.length + 3] = db.engine() == Engine.POSTGRESQL ? "tenantroute" : db.name();
        return CliRun.of(all);
    }

    private static CliRun ok(TestDatabase db, String... args) {
        CliRun r = run(db, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " → " + r);
        return r;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void initTwice_isIdempotentAndKeepsTheMap(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_init")) {
            CliRun first = ok(db, "init");
            assertTrue(first.out().contains("control tables created"), first::toString);
            ok(db, "target", "add", "t1", "--url", db.url().replaceAll("[?].*", ""));
            CliRun second = ok(db, "init");
            assertTrue(second.out().contains("already up to date") && second.out().contains("1 target(s)"), second::toString);
            JsonNode j = JSON.readTree(ok(db, "target", "list", "--json").out());
            assertTrue(names(j).contains("t1"), j::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void targetRemove_refusedWhileARouteUsesIt_thenAllowed(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_target")) {
            ok(db, "init");
            String url = db.url().replaceAll("[?].*", "");
            CliRun add = ok(db, "target", "add", "dedicated", "--url", url, "--user", "app", "--password-ref", "env:APP_PW");
            assertTrue(add.out().contains("target 'dedicated' added"), add::toString);
            CliRun again = run(db, "target", "add", "dedicated", "--url", url);
            assertEquals(1, again.exit(), again::toString);
            assertTrue(again.err().contains("[TR009]") && again.err().contains("already exists"), again::toString);

            CliRun list = ok(db, "target", "list");
            assertTrue(list.out().contains("dedicated") && list.out().contains("env:APP_PW") && list.out().contains(url),
                    list::toString);

            ok(db, "tenant", "set", "acme", "--target", "dedicated");
            CliRun refused = run(db, "target", "remove", "dedicated");
            assertEquals(1, refused.exit(), refused::toString);
            assertTrue(refused.err().startsWith("tenantroute: error [TR009]") && refused.err().contains("acme"), refused::toString);
            assertEquals(1, refused.err().strip().lines().count(), "one-line reason: " + refused);

            ok(db, "tenant", "set", "acme", "--target", "shared");
            CliRun removed = ok(db, "target", "remove", "dedicated");
            assertTrue(removed.out().contains("removed"), removed::toString);
            JsonNode j = JSON.readTree(ok(db, "target", "list", "--json").out());
            assertFalse(names(j).contains("dedicated"), j::toString);

            CliRun missing = run(db, "target", "remove", "nope");
            assertEquals(1, missing.exit(), missing::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantSetShowListSuspendResume_changeAndShowTheRoute(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_tenant")) {
            ok(db, "init");
            String tenant = "o'reilly; DROP TABLE x --";
            JsonNode implicit = JSON.readTree(ok(db, "tenant", "show", tenant, "--json").out());
            assertEquals("shared", implicit.get("target").asText());
            assertTrue(implicit.get("implicit").asBoolean());
            assertEquals("no routes", ok(db, "tenant", "list").out().substring(0, 9));

            ok(db, "target", "add", "eu", "--url", db.url().replaceAll("[?].*", ""));
            JsonNode set = JSON.readTree(ok(db, "tenant", "set", tenant, "--target", "eu", "--schema", "t_oreilly", "--json").out());
            assertEquals("ok", set.get("result").asText());
            assertEquals("eu", set.get("target").asText());
            assertEquals("t_oreilly", set.get("schema").asText());
            long v1 = set.get("version").asLong();

            CliRun show = ok(db, "tenant", "show", tenant);
            assertTrue(show.out().contains("target:") && show.out().contains("eu") && show.out().contains("active"), show::toString);

            JsonNode suspended = JSON.readTree(ok(db, "tenant", "suspend", tenant, "--json").out());
            assertEquals("suspended", suspended.get("state").asText());
            assertTrue(suspended.get("mapVersion").asLong() > v1);
            JsonNode list = JSON.readTree(ok(db, "tenant", "list", "--json").out());
            assertEquals(1, list.size());
            assertEquals(tenant, list.get(0).get("tenant").asText());
            assertEquals("suspended", list.get(0).get("state").asText());
            assertEquals("eu", list.get(0).get("target").asText());

            JsonNode resumed = JSON.readTree(ok(db, "tenant", "resume", tenant, "--json").out());
            assertEquals("active", resumed.get("state").asText());
            assertEquals("eu", resumed.get("target").asText());

            CliRun unknown = run(db, "tenant", "set", "acme", "--target", "nowhere");
            assertEquals(1, unknown.exit(), unknown::toString);
            assertTrue(unknown.err().contains("[TR005]"), unknown::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantListAndShow_printAThrottledStateAndTheNextTarget(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_next")) {
            ok(db, "init");
            String url = db.url().replaceAll("[?].*", "");
            ok(db, "target", "add", "eu0", "--url", url);
            ok(db, "target", "add", "eu1", "--url", url);
            long v = JSON.readTree(ok(db, "tenant", "set", "acme", "--target", "eu0", "--json").out()).get("version").asLong();
            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                v = store.compareAndSetRoute("acme", v, "eu0", null, RouteState.THROTTLED, "eu1"); // what a move does
            }

            CliRun list = ok(db, "tenant", "list");
            assertTrue(list.out().contains("throttled → eu1"), list::toString);
            JsonNode listJson = JSON.readTree(ok(db, "tenant", "list", "--json").out());
            assertEquals("throttled", listJson.get(0).get("state").asText());
            assertEquals("eu1", listJson.get(0).get("nextTarget").asText());
            assertEquals("eu0", listJson.get(0).get("target").asText());

            CliRun show = ok(db, "tenant", "show", "acme");
            assertTrue(show.out().contains("throttled → eu1") && show.out().contains("eu0"), show::toString);
            JsonNode showJson = JSON.readTree(ok(db, "tenant", "show", "acme", "--json").out());
            assertEquals("throttled", showJson.get("state").asText());
            assertEquals("eu1", showJson.get("nextTarget").asText());

            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                store.compareAndSetRoute("acme", v, "eu1", null, RouteState.ACTIVE); // the flip clears it
            }
            CliRun after = ok(db, "tenant", "show", "acme");
            assertTrue(after.out().contains("active") && !after.out().contains("→"), after::toString);
            JsonNode afterJson = JSON.readTree(ok(db, "tenant", "list", "--json").out());
            assertTrue(afterJson.get(0).get("nextTarget").isNull(), afterJson::toString);
            assertEquals("eu1", afterJson.get(0).get("target").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void passwords_inUrlsAreRefusedOrMasked_neverPrinted(Engine engine) throws Exception {
        String secret = "Hunter2secret";
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_secret")) {
            ok(db, "init");
            CliRun inline = run(db, "target", "add", "leaky", "--url",
                    db.url().replaceAll("[?].*", "") + "?user=app&password=" + secret);
            assertEquals(2, inline.exit(), inline::toString);
            assertTrue(inline.err().contains("must not carry a password"), inline::toString);
            assertFalse(inline.all().contains(secret), inline::toString);

            CliRun userInfo = run(db, "target", "add", "leaky", "--url", "jdbc:mysql://app:" + secret + "@127.0.0.1:3306/x");
            assertEquals(2, userInfo.exit(), userInfo::toString);
            assertFalse(userInfo.all().contains(secret), userInfo::toString);

            // A control URL with a password: masked in output (PostgreSQL trusts loopback and ignores it; MariaDB's
            // root refuses it: then exit 1 with a one-line reason, still without the password).
            CliRun control = CliRun.of("init", "--control", db.url() + "&password=" + secret, "--verbose",
                    "--control-schema", db.engine() == Engine.POSTGRESQL ? "tenantroute" : db.name());
            assertTrue(control.exit() == 0 || control.exit() == 1, control::toString);
            assertFalse(control.all().contains(secret), control::toString);
            if (control.exit() == 0) {
                assertTrue(control.out().contains("password=***"), control::toString);
            }
        }
    }

    @Test
    void unreachableControlDatabase_exits1WithOneLineSqlStateAndNoPassword() {
        CliRun r = CliRun.of("tenant", "list", "--control", "jdbc:postgresql://127.0.0.1:1/none?user=x&password=TopSecret9");
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().startsWith("tenantroute: error [08001]"), r::toString);
        assertFalse(r.all().contains("TopSecret9"), r::toString);
        assertFalse(r.all().contains("\tat "), "no stack trace without --verbose: " + r);

        CliRun verbose = CliRun.of("tenant", "list", "--verbose", "--control", "jdbc:postgresql://127.0.0.1:1/none?user=x&password=TopSecret9");
        assertEquals(1, verbose.exit(), verbose::toString);
        assertTrue(verbose.err().contains("\tat "), verbose::toString);
        assertFalse(verbose.all().contains("TopSecret9"), verbose::toString);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void controlPasswordRef_unreadable_exits1NamingTheReferenceNotAValue(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cli_pwref")) {
            CliRun r = run(db, "init", "--control-password-ref", "env:TENANTROUTE_TEST_SURELY_UNSET_VAR");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("[TR005]") && r.err().contains("TENANTROUTE_TEST_SURELY_UNSET_VAR"), r::toString);
            CliRun bad = run(db, "init", "--control-password-ref", "hunter2");
            assertEquals(2, bad.exit(), bad::toString);
            assertFalse(bad.all().contains("hunter2"), bad::toString);
        }
    }

    @Test
    void usageErrors_exit2() {
        assertEquals(2, CliRun.of().exit());
        assertEquals(2, CliRun.of("tenant", "frobnicate").exit());
        assertEquals(2, CliRun.of("tenant", "set", "acme", "--control", "jdbc:postgresql://127.0.0.1:1/x").exit(),
                "--target is required");
        CliRun noControl = CliRun.of("target", "list");
        if (System.getenv(ControlOptions.CONTROL_URL_ENV) == null) {
            assertEquals(2, noControl.exit(), noControl::toString);
            assertTrue(noControl.err().contains("--control"), noControl::toString);
        }
        assertEquals(2, CliRun.of("target", "add", "x", "--url", "http://example.invalid", "--control", "jdbc:postgresql://127.0.0.1:1/x").exit());
        assertEquals(2, CliRun.of("demo", "--duration", "soon").exit());
        assertEquals(2, CliRun.of("demo", "--shared", "jdbc:mysql://127.0.0.1:3306/").exit());
        assertEquals(0, CliRun.of("--help").exit());
        CliRun help = CliRun.of("--help");
        for (String command : new String[] {"init", "target", "tenant", "migrate", "verify", "migrations", "demo"}) {
            assertTrue(help.out().contains(command), () -> command + " is not registered: " + help);
        }
        assertEquals(2, CliRun.of("migrate", "acme", "--control", "jdbc:postgresql://127.0.0.1:1/x").exit(), "--to is required");
    }

    private static java.util.List<String> names(JsonNode array) {
        java.util.List<String> n = new java.util.ArrayList<>();
        array.forEach(x -> n.add(x.get("name").asText()));
        return n;
    }
}
