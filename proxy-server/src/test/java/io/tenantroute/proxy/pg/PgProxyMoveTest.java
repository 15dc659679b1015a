package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantMover;
import io.tenantroute.proxy.ProxyFixture;
import io.tenantroute.proxy.TenantRouteProxy;
import io.tenantroute.proxy.clients.ClientProcess;
import io.tenantroute.proxy.clients.ClientPrograms;
import io.tenantroute.proxy.clients.ClientResult;
import io.tenantroute.proxy.clients.Ledger;
import io.tenantroute.proxy.clients.TenantSource;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The acceptance test of the PostgreSQL proxy: a tenant is moved online with the migrator while 8 node-postgres writers
 * write through the proxy. Every acknowledged write is on the destination exactly once, none reached the source after
 * the flip, and no client saw an error — the fence (TR003) and the freeze are handled by the proxy.
 */
class PgProxyMoveTest {
    private static final String TENANT = "mv'acme";
    private static final long ID_BASE = 1_000_000_000L;

    @BeforeAll
    static void tools() {
        ClientPrograms.requireTools(ClientPrograms.Tool.NODE);
        ClientPrograms.requireNodeFixture();
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "INFERENCE"})
    void onlineMove_whileEightClientsWriteThroughTheProxy_losesNothing(TenantSource source, @TempDir Path dir) throws Exception {
        try (ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 1, b -> b.poolSize(10))) {
            f.clientSchema();
            seed(f.shared, 300);
            Path ledger = dir.resolve("ledger.jsonl");
            Path staleLedger = dir.resolve("stale-ledger.jsonl");
            Path stop = dir.resolve("stop");
            MoveResult moved;
            Set<Long> sourceAtFlip;
            ClientResult writers;
            ClientResult staleWriters;
            // A second proxy that never watches the map (an app instance whose map is stale): only the source's fence
            // tells it the tenant moved; it must retry there invisibly.
            try (TenantRouteProxy stale = f.anotherProxy(b -> b.mapRefreshMs(0));
                 ClientProcess p = ClientPrograms.startNode("pg-writers.mjs", ClientPrograms.env(f.endpoint(), source, null,
                    "TR_TENANTS", TENANT, "TR_WRITERS", "6", "TR_DURATION_MS", "0", "TR_STOP_FILE", stop.toString(),
                    "TR_LEDGER", ledger.toString(), "TR_ID_BASE", Long.toString(ID_BASE), "TR_PAUSE_MS", "2"));
                 ClientProcess q = ClientPrograms.startNode("pg-writers.mjs", ClientPrograms.env(f.endpoint(stale), source, null,
                    "TR_TENANTS", TENANT, "TR_WRITERS", "2", "TR_DURATION_MS", "0", "TR_STOP_FILE", stop.toString(),
                    "TR_LEDGER", staleLedger.toString(), "TR_ID_BASE", Long.toString(2 * ID_BASE), "TR_PAUSE_MS", "2"))) {
                p.awaitJson(j -> "ready".equals(j.path("type").asText()), Duration.ofSeconds(30));
                q.awaitJson(j -> "ready".equals(j.path("type").asText()), Duration.ofSeconds(30));
                Thread.sleep(700);
                MigrationJournal journal = new MigrationJournal(f.shared::connect, ControlSchema.DEFAULT_SCHEMA);
                Target shared = new Target(Target.SHARED, f.shared.url(), null, PasswordRef.NONE, 0);
                moved = new TenantMover(f.store, journal, TargetConnector.direct(), shared)
                        .move(MoveRequest.of(TENANT, "ded1"), MoveListener.NONE);
                sourceAtFlip = ids(f.shared, "items");
                Thread.sleep(1000);
                Files.createFile(stop);
                writers = p.finish(Duration.ofSeconds(60));
                staleWriters = q.finish(Duration.ofSeconds(60));
                assertTrue(stale.metrics().scrape().contains("tenantroute_fence_retries_total"), "metrics are exposed");
                double retried = stale.metrics().registry().counter(io.tenantroute.proxy.internal.ProxyMetrics.FENCE_RETRIES).count();
                assertTrue(retried > 0, "the stale proxy met the fence and retried: " + retried);
            }
            assertEquals(0, staleWriters.exitCode(), staleWriters::describe);
            assertEquals(0, staleWriters.summary().get("errors").asInt(), () -> "client errors through the stale proxy:\n"
                    + staleWriters.describe());
            assertEquals(0, writers.exitCode(), writers::describe);
            JsonNode summary = writers.summary();
            assertEquals(0, summary.get("errors").asInt(), () -> "client errors through the proxy:\n" + writers.describe());
            assertTrue(moved.verification().matches(), "checksums of the move");
            Route r = f.store.route(TENANT).orElseThrow();
            assertEquals("ded1", r.target());
            List<Ledger.Entry> acked = Ledger.read(ledger, staleLedger);
            assertTrue(acked.size() > 100, "the writers wrote through the move: " + acked.size());
            try (Connection c = f.db("ded1").connect()) {
                for (Ledger.Comparison cmp : List.of(
                        Ledger.compare(c, "items", acked, "id >= " + ID_BASE),
                        Ledger.compare(c, "invoices", acked, "id >= " + ID_BASE),
                        Ledger.compare(c, "invoice_lines", acked, "id >= " + ID_BASE * 4))) {
                    assertTrue(cmp.exact(), () -> "every acknowledged write on the destination exactly once: " + cmp);
                }
            }
            assertEquals(sourceAtFlip, ids(f.shared, "items"), "nothing reached the source after the flip");
        }
    }

    private static void seed(TestDatabase db, int n) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= n; i++) {
                ps.setLong(1, i);
                ps.setString(2, i % 4 == 0 ? "other" : TENANT);
                ps.setString(3, "seed-" + i);
                ps.setInt(4, i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Set<Long> ids(TestDatabase db, String table) throws SQLException {
        Set<Long> out = new TreeSet<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE tenant_id = ?")) {
            ps.setString(1, TENANT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
