package io.tenantroute.proxy;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.proxy.clients.DbEndpoint;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A proxy over real databases for the proxy's tests: a shared database holding the control tables (made by
 * {@link ControlSchema#init}, as {@code tenantroute init} does) and {@code n} dedicated databases registered as targets
 * {@code ded1…}, a {@link TenantRouteProxy} on free ports, and a client endpoint pointing at it. The tenant map is
 * changed through the real store, so the proxy sees changes as in production (PostgreSQL: NOTIFY; MySQL: polling).
 */
public final class ProxyFixture implements AutoCloseable {
    public final Engine engine;
    public final TestDatabase shared;
    public final List<TestDatabase> dedicated = new ArrayList<>();
    public final TenantMapStore store;
    public final TenantRouteProxy proxy;

    public ProxyFixture(Engine engine, int dedicatedDatabases, Consumer<ProxyConfig.Builder> settings) throws Exception {
        this.engine = engine;
        this.shared = TestDatabases.server(engine).createDatabase("pxshared");
        TenantMapStore s = null;
        TenantRouteProxy p = null;
        try {
            try (Connection c = shared.connect()) {
                ControlSchema.init(c, ControlSchema.DEFAULT_SCHEMA);
            }
            s = TenantMapStores.open(shared.url(), null);
            for (int i = 1; i <= dedicatedDatabases; i++) {
                TestDatabase d = TestDatabases.server(engine).createDatabase("pxded" + i);
                dedicated.add(d);
                s.putTarget(new Target("ded" + i, d.url(), null, PasswordRef.NONE, 0));
            }
            ProxyConfig.Builder b = ProxyConfig.builder()
                    .control(shared.url(), null)
                    .pgListen("127.0.0.1:0").mysqlListen("127.0.0.1:0").adminListen("127.0.0.1:0")
                    .poolSize(4).poolWaitMs(5000).frozenWaitMs(5000).eventLoops(2).shutdownGraceMs(2000);
            settings.accept(b);
            p = TenantRouteProxy.start(b.build());
        } catch (Exception | Error e) {
            if (p != null) {
                p.close();
            }
            if (s != null) {
                s.close();
            }
            for (TestDatabase d : dedicated) {
                d.close();
            }
            shared.close();
            throw e;
        }
        this.store = s;
        this.proxy = p;
    }

    /**
     * Starts another proxy over the same databases and tenant map (several app instances each run one); the caller
     * closes it.
     *
     * @param settings more settings, e.g. {@code b -> b.mapRefreshMs(0)} for a proxy that never watches the map
     * @return the proxy
     */
    public TenantRouteProxy anotherProxy(Consumer<ProxyConfig.Builder> settings) throws Exception {
        ProxyConfig.Builder b = ProxyConfig.builder()
                .control(shared.url(), null)
                .pgListen("127.0.0.1:0").mysqlListen("127.0.0.1:0").adminListen("127.0.0.1:0")
                .poolSize(4).poolWaitMs(5000).frozenWaitMs(5000).eventLoops(2).shutdownGraceMs(2000);
        settings.accept(b);
        return TenantRouteProxy.start(b.build());
    }

    /** @param p a proxy of this fixture @return where clients connect to it */
    public DbEndpoint endpoint(TenantRouteProxy p) {
        return DbEndpoint.of(shared).withHostPort("127.0.0.1", p.listeners().get(0).address().getPort());
    }

    /** Runs the same statements in the shared and every dedicated database (the app's schema everywhere). */
    public void schema(String... ddl) throws SQLException {
        shared.execute(ddl);
        for (TestDatabase d : dedicated) {
            d.execute(ddl);
        }
    }

    /** Creates the client scripts' tables ({@link io.tenantroute.proxy.clients.ClientSchema}) in every database. */
    public void clientSchema() throws SQLException {
        io.tenantroute.proxy.clients.ClientSchema.create(shared);
        for (TestDatabase d : dedicated) {
            io.tenantroute.proxy.clients.ClientSchema.create(d);
        }
    }

    /**
     * @param sql a query returning one number
     * @return its value in each database: {@code shared=…, ded1=…}
     */
    public String countEverywhere(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        List<TestDatabase> all = new ArrayList<>();
        all.add(shared);
        all.addAll(dedicated);
        for (int i = 0; i < all.size(); i++) {
            try (Connection c = all.get(i).connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                out.append(out.length() == 0 ? "" : ", ").append(i == 0 ? "shared" : "ded" + i).append('=').append(rs.getLong(1));
            }
        }
        return out.toString();
    }

    /** @return where clients connect: the proxy, with the shared database's name */
    public DbEndpoint endpoint() {
        DbEndpoint direct = DbEndpoint.of(shared);
        return direct.withHostPort("127.0.0.1", proxy.listeners().get(0).address().getPort());
    }

    /** @param tenant a tenant @param target its target ({@code shared}, {@code ded1}…) */
    public void route(String tenant, String target) throws SQLException {
        store.setRoute(tenant, target, null);
    }

    /** @param tenant a tenant @param state its route's new state */
    public void state(String tenant, RouteState state) throws SQLException {
        store.setState(tenant, state);
    }

    /** @return the database named {@code shared} or {@code ded<i>} */
    public TestDatabase db(String target) {
        return target.equals("shared") ? shared : dedicated.get(Integer.parseInt(target.substring(3)) - 1);
    }

    /**
     * @param table a table with a {@code tenant_id} column
     * @param tenant a tenant
     * @return its rows there, per database: {@code shared=2, ded1=0}
     */
    public String where(String table, String tenant) throws SQLException {
        StringBuilder out = new StringBuilder();
        List<TestDatabase> all = new ArrayList<>();
        all.add(shared);
        all.addAll(dedicated);
        for (int i = 0; i < all.size(); i++) {
            try (Connection c = all.get(i).connect();
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE tenant_id = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.append(out.length() == 0 ? "" : ", ").append(i == 0 ? "shared" : "ded" + i).append('=').append(rs.getLong(1));
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.close();
        } finally {
            try {
                store.close();
            } finally {
                for (TestDatabase d : dedicated) {
                    d.close();
                }
                shared.close();
            }
        }
    }
}
