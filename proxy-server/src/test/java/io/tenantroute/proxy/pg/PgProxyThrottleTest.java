package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.proxy.ProxyFixture;
import io.tenantroute.proxy.internal.ProxyMetrics;
import io.tenantroute.proxy.clients.DbEndpoint;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A throttled tenant through the proxy: one of its transactions at a time per proxy (the turn is held exactly as long
 * as the server connection); a second one waits for the turn (here up to 30 s) and runs as soon as the first ends.
 */
class PgProxyThrottleTest {

    private static Connection connect(DbEndpoint e) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + e.host() + ":" + e.port() + "/" + e.database()
                + "?user=" + e.user() + "&options=-c%20tenantroute.tenant%3Dacme");
    }

    @Test
    void throttledTenant_runsOneTransactionAtATime() throws Exception {
        try (ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 1, b -> b.throttle(1, 30_000))) {
            f.schema("CREATE TABLE items (id int PRIMARY KEY, tenant_id text NOT NULL DEFAULT 'acme')");
            f.route("acme", "ded1");
            f.state("acme", RouteState.THROTTLED);
            try (Connection first = connect(f.endpoint()); Connection second = connect(f.endpoint())) {
                first.setAutoCommit(false);
                try (Statement s = first.createStatement()) {
                    s.executeUpdate("INSERT INTO items (id) VALUES (1)"); // holds acme's one turn
                }
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                    try (Statement s = second.createStatement()) {
                        s.executeUpdate("INSERT INTO items (id) VALUES (2)");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(500);
                assertFalse(waiting.isDone(), "the second transaction waits for the tenant's turn");
                first.commit(); // gives the turn back
                waiting.get(30, TimeUnit.SECONDS);
            }
            assertEquals("shared=0, ded1=2", f.countEverywhere("SELECT count(*) FROM items"));
            double permitted = f.proxy.metrics().registry().timer(ProxyMetrics.THROTTLE_WAIT, "outcome", "permit").count();
            assertTrue(permitted >= 2, "both took a turn: " + permitted);
        }
    }
}
