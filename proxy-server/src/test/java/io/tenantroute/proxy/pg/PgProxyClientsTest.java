package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tenantroute.proxy.ProxyFixture;
import io.tenantroute.proxy.clients.ClientPrograms;
import io.tenantroute.proxy.clients.ClientResult;
import io.tenantroute.proxy.clients.TenantSource;
import io.tenantroute.testsupport.Engine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PostgreSQL clients our users run, through the proxy, on a tenant routed to a dedicated database: every row lands
 * there (none on shared), every script's own checks pass. The proxy's pool is smaller than the clients, so statements
 * and transactions are pooled across server connections.
 */
class PgProxyClientsTest {
    private static final Duration RUN = Duration.ofSeconds(180);
    /** A quote and a backslash in the tenant id: data, never SQL. */
    private static final String TENANT = "ac'me\\1";

    @BeforeAll
    static void tools() {
        ClientPrograms.requireAllTools();
        ClientPrograms.requireNodeFixture();
    }

    private static ProxyFixture fixture() throws Exception {
        ProxyFixture f = new ProxyFixture(Engine.POSTGRESQL, 1, b -> b.poolSize(3));
        f.clientSchema();
        f.route(TENANT, "ded1");
        return f;
    }

    private static Map<String, String> env(ProxyFixture f, TenantSource source, String... more) {
        return ClientPrograms.env(f.endpoint(), source, TENANT, more);
    }

    private static String onDedicated(long rows) {
        return "shared=0, ded1=" + rows;
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "INFERENCE"})
    void nodePostgres_namedAndUnnamedStatements_fromTwentyFourClientsOverThreeConnections(TenantSource source) throws Exception {
        try (ProxyFixture f = fixture()) {
            ClientResult r = ClientPrograms.node("pg-prepared.mjs", env(f, source, "TR_ITERATIONS", "5"), RUN).assertOk();
            assertEquals(24, r.count("clientsDone"), r::describe);
            assertEquals(onDedicated(24 * 7), f.countEverywhere("SELECT count(*) FROM items"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "INFERENCE"})
    void postgresJs_automaticPreparesPipeliningAndBegin(TenantSource source) throws Exception {
        try (ProxyFixture f = fixture()) {
            ClientResult r = ClientPrograms.node("postgresjs.mjs", env(f, source), RUN).assertOk();
            assertEquals(1, r.count("committed"), r::describe);
            assertEquals(2, r.count("rolledBack"), r::describe);
            assertEquals(onDedicated(52), f.countEverywhere("SELECT count(*) FROM items"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP"})
    void prisma_crudInteractiveAndBatchTransactions(TenantSource source) throws Exception {
        try (ProxyFixture f = fixture()) {
            ClientResult r = ClientPrograms.node("prisma-pg.mjs", env(f, source), RUN).assertOk();
            assertEquals(1, r.count("interactive-tx"), r::describe);
            assertEquals(onDedicated(13), f.countEverywhere("SELECT count(*) FROM items"));
            assertEquals(onDedicated(2), f.countEverywhere("SELECT count(*) FROM invoice_lines"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "INFERENCE"})
    void drizzle_inAndOutOfTransactions(TenantSource source) throws Exception {
        try (ProxyFixture f = fixture()) {
            ClientResult r = ClientPrograms.node("drizzle-pg.mjs", env(f, source), RUN).assertOk();
            assertEquals(1, r.count("tx-commit"), r::describe);
            assertEquals(onDedicated(20), f.countEverywhere("SELECT count(*) FROM items"));
            assertEquals(onDedicated(2), f.countEverywhere("SELECT count(*) FROM invoice_lines"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "INFERENCE"})
    void phpPdo_laravelConnect_nativeAndEmulatedPrepares(TenantSource source) throws Exception {
        try (ProxyFixture f = fixture()) {
            ClientResult r = ClientPrograms.php("pdo_pgsql.php", env(f, source, "TR_ITERATIONS", "10"), RUN).assertOk();
            assertEquals(10, r.count("native-iterations"), r::describe);
            assertEquals(10, r.count("emulated-iterations"), r::describe);
            assertEquals(onDedicated(24), f.countEverywhere("SELECT count(*) FROM items"));
        }
    }
}
