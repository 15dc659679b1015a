package io.tenantroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlTenantMapStoreTest {
    @TempDir
    Path dir;

    private static final String MAP = String.join("\n",
            "targets:",
            "  - {name: eu1, url: \"jdbc:postgresql://db-eu1/app\", user: app, password: \"env:EU1_PASSWORD\"}",
            "  - name: us1",
            "    url: jdbc:mysql://db-us1/app",
            "routes:",
            "  - {tenant: acme, target: eu1, schema: acme, state: active}",
            "  - {tenant: \"O'Reilly; DROP\", target: us1}",
            "  - {tenant: Acme, target: shared, state: suspended}",
            "  - {tenant: \"007\", target: eu1, state: frozen}",
            "");

    private Path write(String content) throws Exception {
        Path tmp = dir.resolve("tenants.yaml.tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Path file = dir.resolve("tenants.yaml");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    @Test
    void readsTargetsAndRoutes_asWritten() throws Exception {
        try (YamlTenantMapStore store = TenantMapStores.openYaml(write(MAP))) {
            long v = store.version();
            assertTrue(v > 0);
            assertEquals(List.of("eu1", "us1"), store.targets().stream().map(Target::name).collect(Collectors.toList()));
            Target eu1 = store.target("eu1").orElseThrow();
            assertEquals("jdbc:postgresql://db-eu1/app", eu1.jdbcUrl());
            assertEquals("app", eu1.user());
            assertEquals(PasswordRef.parse("env:EU1_PASSWORD"), eu1.passwordRef());
            assertTrue(store.target("us1").orElseThrow().passwordRef().isNone());

            assertEquals(new Route("acme", "eu1", "acme", RouteState.ACTIVE, v), store.route("acme").orElseThrow());
            assertEquals(new Route("O'Reilly; DROP", "us1", null, RouteState.ACTIVE, v), store.route("O'Reilly; DROP").orElseThrow());
            assertEquals(RouteState.SUSPENDED, store.route("Acme").orElseThrow().state());
            assertEquals(RouteState.FROZEN, store.route("007").orElseThrow().state(), "a quoted numeric id keeps its zeros");
            assertTrue(store.route("ACME").isEmpty());
            assertEquals(4, store.routes().size());
            assertTrue(store.isReadOnly());
        }
    }

    @Test
    void everyChange_isRefusedWithTr009() throws Exception {
        try (YamlTenantMapStore store = TenantMapStores.openYaml(write(MAP))) {
            List<JdbcTenantMapStoreTest.SqlCall> calls = List.of(
                    () -> store.putTarget(new Target("x", "jdbc:postgresql://x/y", null, PasswordRef.NONE, 0)),
                    () -> store.removeTarget("eu1"),
                    () -> store.setRoute("acme", "us1", null),
                    () -> store.setState("acme", RouteState.SUSPENDED),
                    () -> store.compareAndSetRoute("acme", store.version(), "us1", null, RouteState.ACTIVE));
            long before = store.version();
            for (JdbcTenantMapStoreTest.SqlCall call : calls) {
                SQLException e = assertThrows(SQLException.class, call::run);
                assertEquals("TR009", e.getSQLState());
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            }
            assertEquals(before, store.version());
            assertEquals("eu1", store.route("acme").orElseThrow().target());
        }
    }

    @Test
    void anEditedFile_reachesARunningMap_andARemovedRouteFallsBackToShared() throws Exception {
        Path file = write(MAP);
        try (YamlTenantMapStore store = TenantMapStores.openYaml(file); CachedTenantMap map = CachedTenantMap.open(store, 100, 100)) {
            long first = map.version();
            assertEquals("eu1", map.route("acme").target());
            assertEquals("us1", map.route("O'Reilly; DROP").target());

            write(MAP.replace("{tenant: acme, target: eu1, schema: acme, state: active}", "{tenant: acme, target: us1}")
                    .replace("  - {tenant: \"O'Reilly; DROP\", target: us1}\n", ""));
            Converge.until(() -> map.route("acme").target().equals("us1"), "acme moves to us1");
            Converge.until(() -> map.route("O'Reilly; DROP").target().equals(Target.SHARED), "a removed route falls back to shared");
            assertTrue(map.version() > first);
            assertEquals(first, map.route("Acme").version(), "an unchanged route keeps its version");
        }
    }

    @Test
    void aBrokenEdit_isIgnored_untilFixed() throws Exception {
        Path file = write(MAP);
        try (YamlTenantMapStore store = TenantMapStores.openYaml(file)) {
            long v = store.version();
            write(MAP.replace("target: us1}", "target: nowhere}"));
            assertEquals(v, store.version(), "a route to an undefined target must not replace the good map");
            assertEquals("us1", store.route("O'Reilly; DROP").orElseThrow().target());
            write(MAP + "  - {tenant: [not, text\n");
            assertEquals(v, store.version());

            write(MAP.replace("state: frozen", "state: active"));
            Files.setLastModifiedTime(file, FileTime.fromMillis(1000)); // older than before: the version still grows
            long fixed = store.version();
            assertTrue(fixed > v);
            assertEquals(RouteState.ACTIVE, store.route("007").orElseThrow().state());
            assertEquals(List.of("007"), store.routesChangedSince(v).stream().map(Route::tenant).collect(Collectors.toList()));
        }
    }

    @Test
    void invalidFiles_areRefusedAtOpen_withTheReason() throws Exception {
        SQLException undefined = assertThrows(SQLException.class,
                () -> TenantMapStores.openYaml(write("routes:\n  - {tenant: acme, target: eu9}\n")));
        assertEquals("TR005", undefined.getSQLState());
        assertTrue(undefined.getMessage().contains("eu9") && undefined.getMessage().contains("acme"), undefined.getMessage());

        SQLException typo = assertThrows(SQLException.class,
                () -> TenantMapStores.openYaml(write("routes:\n  - {tenant: acme, taget: eu9}\n")));
        assertEquals("TR010", typo.getSQLState());
        assertTrue(typo.getMessage().contains("taget"), typo.getMessage());

        SQLException twice = assertThrows(SQLException.class,
                () -> TenantMapStores.openYaml(write("routes:\n  - {tenant: acme, target: shared}\n  - {tenant: acme, target: shared}\n")));
        assertTrue(twice.getMessage().contains("acme"), twice.getMessage());

        assertEquals("TR010", assertThrows(SQLException.class, () -> TenantMapStores.openYaml(dir.resolve("missing.yaml"))).getSQLState());
    }

    @Test
    void unquotedScalarIds_keepTheirTextAsWritten() throws Exception {
        try (YamlTenantMapStore store = TenantMapStores.openYaml(write(String.join("\n",
                "routes:",
                "  - {tenant: 007, target: shared, schema: a}",
                "  - {tenant: yes, target: shared, schema: b}",
                "  - {tenant: 1e3, target: shared, schema: c}",
                "  - {tenant: 0x1F, target: shared, schema: d}",
                "")))) {
            assertEquals(List.of("007", "0x1F", "1e3", "yes"), store.routes().stream().map(Route::tenant).collect(Collectors.toList()));
        }
    }

    @Test
    void emptyFile_isAnEmptyMap() throws Exception {
        try (YamlTenantMapStore store = TenantMapStores.openYaml(write(""))) {
            assertEquals(List.of(), store.routes());
            assertFalse(store.route("acme").isPresent());
        }
    }
}
