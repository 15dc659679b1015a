package io.tenantroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** No password reaches a toString(), an exception message or a log line of ours. */
class NoSecretsTest {
    private static final String URL_SECRET = "s3cretInUrl";
    private static final String FILE_SECRET = "s3cretInFile";

    @TempDir
    Path dir;

    private void assertClean(String text) {
        assertFalse(text.contains(URL_SECRET), text);
        assertFalse(text.contains(FILE_SECRET), text);
    }

    private void assertClean(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertClean(String.valueOf(t.getMessage()));
            assertClean(t.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void targetsAndErrors_ofTheJdbcStore_neverShowAPassword(Engine engine) throws Exception {
        Path secretFile = Files.writeString(dir.resolve("pw"), FILE_SECRET + "\n");
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgsecret"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            Target withUrlSecret = new Target("eu1", "jdbc:postgresql://db-eu1/app?user=app&password=" + URL_SECRET, "app", PasswordRef.NONE, 0);
            Target userInfo = new Target("eu2", "jdbc:mysql://app:" + URL_SECRET + "@db-eu2/app", null, PasswordRef.NONE, 0);
            Target withFileRef = new Target("eu3", "jdbc:postgresql://db-eu3/app", "app", PasswordRef.parse("file:" + secretFile), 0);
            assertEquals(FILE_SECRET, withFileRef.passwordRef().resolve("eu3"), "the reference works");
            store.putTarget(withUrlSecret);
            store.putTarget(userInfo);
            store.putTarget(withFileRef);

            List<String> texts = new ArrayList<>();
            for (Target t : store.targets()) {
                texts.add(t.toString());
                texts.add(t.safeUrl());
                texts.add(t.passwordRef().toString());
            }
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 10)) {
                texts.add(map.toString());
                texts.add(map.target("eu1").toString());
            }
            texts.add(store.toString());
            texts.forEach(this::assertClean);

            store.setRoute("acme", "eu1", null);
            List<JdbcTenantMapStoreTest.SqlCall> failing = List.of(
                    () -> store.removeTarget("eu1"),
                    () -> store.setRoute("acme", "eu9", null),
                    () -> store.compareAndSetRoute("acme", 0, "eu2", null, RouteState.ACTIVE),
                    () -> store.putTarget(new Target("bad", "postgresql://x?password=" + URL_SECRET, null, PasswordRef.NONE, 0)),
                    () -> PasswordRef.parse("file:" + dir.resolve("missing")).resolve("eu4"),
                    () -> PasswordRef.parse("env:TENANTROUTE_SURELY_UNSET_" + System.nanoTime()).resolve("eu5"));
            for (JdbcTenantMapStoreTest.SqlCall call : failing) {
                assertClean(assertThrows(SQLException.class, call::run));
            }
            assertClean(assertThrows(IllegalArgumentException.class, () -> PasswordRef.parse(URL_SECRET)));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void logLines_ofAStoreAndMapWhoseDatabaseIsDown_neverShowThePassword(Engine engine) throws Exception {
        String url = (engine == Engine.POSTGRESQL ? "jdbc:postgresql" : "jdbc:mysql") + "://127.0.0.1:1/app?user=app&password=" + URL_SECRET;
        java.util.Properties p = new java.util.Properties();
        p.setProperty("password", FILE_SECRET);
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        // slf4j-simple (the test binding) writes every log line to the current System.err.
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try (JdbcTenantMapStore store = TenantMapStores.open(url, p)) {
            SQLException down = assertThrows(SQLException.class, () -> store.putTarget(new Target("eu1", url, null, PasswordRef.NONE, 0)));
            assertEquals("TR010", down.getSQLState(), "an unreachable control database is TR010");
            assertClean(down);
            SQLException mapDown = assertThrows(SQLException.class, () -> CachedTenantMap.open(store, 100, 10));
            assertEquals("TR010", mapDown.getSQLState());
            assertClean(mapDown);
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
            try (AutoCloseable w = store.watch(seen::set, 100)) {
                Converge.until(() -> captured.toString(java.nio.charset.StandardCharsets.UTF_8).contains("tenant map"),
                        "the failing watch logs a warning");
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        original.print(log);
        assertClean(log);
    }

    @Test
    void yamlStore_refusesALiteralPassword_withoutRepeatingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("t.yaml"),
                "targets:\n  - {name: eu1, url: \"jdbc:postgresql://h/app?password=" + URL_SECRET + "\", password: " + FILE_SECRET + "}\n");
        SQLException e = assertThrows(SQLException.class, () -> TenantMapStores.openYaml(file));
        assertEquals("TR005", e.getSQLState());
        assertClean(e);

        Files.writeString(file, "targets:\n  - {name: eu1, url: \"jdbc:postgresql://h/app?password=" + URL_SECRET + "\"}\n"
                + "routes:\n  - {tenant: acme, target: eu9}\n");
        assertClean(assertThrows(SQLException.class, () -> TenantMapStores.openYaml(file)));

        Files.writeString(file, "targets:\n  - {name: eu1, url: \"jdbc:postgresql://h/app?password=" + URL_SECRET + "\"}\n");
        try (YamlTenantMapStore store = TenantMapStores.openYaml(file)) {
            assertClean(store.target("eu1").orElseThrow().toString());
            assertClean(store.toString());
        }
    }
}
