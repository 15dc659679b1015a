package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.proxy.ProxyFixture;
import io.tenantroute.proxy.clients.ClientResult;
import io.tenantroute.proxy.clients.DbEndpoint;
import io.tenantroute.proxy.clients.Psql;
import io.tenantroute.testsupport.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** psql through the proxy: the tenant sources, where rows land, and the proxy's own answers. */
class PgProxyPsqlTest {

    @Test
    void tenantSources_routeEachTransaction_toTheTenantsTarget() throws Exception {
        try (ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 1, b -> { })) {
            f.schema("CREATE TABLE items (id int PRIMARY KEY, tenant_id text NOT NULL DEFAULT '', v text)");
            f.route("acme", "ded1");
            DbEndpoint proxy = f.endpoint();
            // 1. SET tenantroute.tenant, intercepted (never sent on): a later statement naming no tenant goes to acme's target
            Psql.run(proxy, Map.of(), Duration.ofSeconds(30), "-c", "SET tenantroute.tenant = 'acme'",
                    "-c", "INSERT INTO items (id, tenant_id, v) VALUES (1, 'acme', 'set')",
                    "-c", "INSERT INTO items (id, v) SELECT 2, 'set-no-tenant-in-sql'").assertExit(0);
            // 2. the startup parameter (PGOPTIONS=-c tenantroute.tenant=acme)
            Psql.run(proxy, Psql.startupTenant("acme"), Duration.ofSeconds(30),
                    "-c", "INSERT INTO items (id, tenant_id, v) VALUES (3, 'acme', 'startup')").assertExit(0);
            // 3. inference from the statement
            Psql.query(proxy, "INSERT INTO items (id, tenant_id, v) VALUES (4, 'acme', 'inferred')");
            // 4. none: shared
            Psql.query(proxy, "INSERT INTO items (id, tenant_id, v) VALUES (5, 'bob', 'none')");
            assertEquals("shared=0, ded1=3", f.where("items", "acme"));
            assertEquals("shared=1, ded1=0", f.where("items", "bob"));
            assertEquals("shared=0, ded1=1", f.where("items", ""), "the SET tenant routes statements that name none");
            assertEquals(List.of(f.db("ded1").name()), Psql.query(proxy, "SELECT current_database() FROM items WHERE tenant_id = 'acme' LIMIT 1"));
        }
    }

    @Test
    void setTenantInsideAQueryString_isRefusedClearly() throws Exception {
        try (ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 0, b -> { })) {
            ClientResult r = Psql.run(f.endpoint(), Map.of(), Duration.ofSeconds(30), "-c", "SET tenantroute.tenant = 'acme'; SELECT 1");
            assertEquals(1, r.exitCode(), r::describe);
            assertTrue(String.join("\n", r.stderr()).contains("unexpected text after the value"), r::describe);
        }
    }
}
