package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.proxy.ProxyFixture;
import io.tenantroute.proxy.clients.ClientResult;
import io.tenantroute.proxy.clients.Psql;
import io.tenantroute.proxy.internal.ProxyMetrics;
import io.tenantroute.testsupport.Engine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fence that never lifts (the trigger raises TR003 for every write, as the migrator's fence does for a moved tenant
 * whose route the map has not caught up with): the proxy retries the first statement at most three times, then the
 * client gets the server's TR003 and nothing was written.
 */
class PgProxyFenceTest {

    @Test
    void fencedEverywhere_retriedThreeTimes_thenTheClientGetsTr003() throws Exception {
        try (ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 0, b -> { })) {
            f.schema("CREATE TABLE items (id int PRIMARY KEY, tenant_id text NOT NULL)",
                    "CREATE FUNCTION fence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
                            + " 'tenant fenced here' USING ERRCODE = 'TR003'; END $$",
                    "CREATE TRIGGER fence BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION fence()");
            ClientResult r = Psql.run(f.endpoint(), Map.of(), Duration.ofSeconds(60),
                    "-c", "INSERT INTO items (id, tenant_id) VALUES (1, 'acme')");
            assertEquals(1, r.exitCode(), r::describe);
            assertTrue(String.join("\n", r.stderr()).contains("tenant fenced here"), r::describe);
            assertEquals(3.0, f.proxy.metrics().registry().counter(ProxyMetrics.FENCE_RETRIES).count(), "three invisible retries");
            assertEquals("shared=0", f.countEverywhere("SELECT count(*) FROM items"));
        }
    }
}
