package io.tenantroute.migrator;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Per test: a source database ("shared") with a multi-tenant schema, a destination database ("dedicated"),
 * a control database for the journal, and an in-memory tenant map naming both.
 *
 * <p>Schema: customers(tenant_id) ← invoices(tenant_id) ← invoice_lines (no tenant column) ← line_notes (3 levels
 * from a tenant column); categories(tenant_id) with a self-referencing parent; countries (reference);
 * audit_log(tenant_id) without a key only when asked.
 */
final class Fixture implements AutoCloseable {
    final Engine engine;
    final TestDatabase src;
    final TestDatabase dst;
    final TestDatabase ctl;
    final MemoryTenantMapStore store = new MemoryTenantMapStore();
    final MigrationJournal journal;
    final List<String> extraSchemas = new ArrayList<>();

    Fixture(Engine engine, boolean keylessTable) throws SQLException {
        this.engine = engine;
        var server = TestDatabases.server(engine);
        src = server.createDatabase("mig_src");
        dst = server.createDatabase("mig_dst");
        ctl = server.createDatabase("mig_ctl");
        store.putTarget(new Target(Target.SHARED, src.url(), null, PasswordRef.NONE, 0));
        store.putTarget(new Target("dedicated", dst.url(), null, PasswordRef.NONE, 0));
        journal = new MigrationJournal(ctl::connect, engine == Engine.POSTGRESQL ? "tenantroute" : ctl.name());
        journal.init();
        if (engine == Engine.POSTGRESQL) {
            src.execute(
                    "CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL)",
                    "CREATE TABLE customers (id serial PRIMARY KEY, tenant_id varchar(255) NOT NULL, name text NOT NULL, email text,"
                            + " UNIQUE (tenant_id, email))",
                    "CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, customer_id int REFERENCES customers(id),"
                            + " total numeric(12,2) NOT NULL DEFAULT 0, issued timestamp DEFAULT now(), note text)",
                    "CREATE INDEX invoices_tenant ON invoices (tenant_id, issued)",
                    "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
                            + " qty int NOT NULL CHECK (qty >= 0), descr text)",
                    "CREATE TABLE line_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, line_id bigint NOT NULL REFERENCES invoice_lines(id)"
                            + " ON DELETE CASCADE, body text)",
                    "CREATE TABLE categories (id int PRIMARY KEY, tenant_id varchar(255) NOT NULL, parent_id int REFERENCES categories(id), label text)");
            if (keylessTable) {
                src.execute("CREATE TABLE audit_log (tenant_id varchar(255) NOT NULL, at timestamp DEFAULT now(), what text)");
            }
        } else {
            src.execute(
                    "CREATE TABLE countries (code char(2) PRIMARY KEY, name varchar(100) NOT NULL) ENGINE=InnoDB",
                    "CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, tenant_id varchar(255) NOT NULL, name varchar(200) NOT NULL,"
                            + " email varchar(200), UNIQUE KEY uq_email (tenant_id, email)) ENGINE=InnoDB",
                    "CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, customer_id int,"
                            + " total decimal(12,2) NOT NULL DEFAULT 0, issued datetime(3) DEFAULT CURRENT_TIMESTAMP(3), note text,"
                            + " KEY invoices_tenant (tenant_id, issued), CONSTRAINT fk_inv_cust FOREIGN KEY (customer_id) REFERENCES customers(id))"
                            + " ENGINE=InnoDB",
                    "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL, qty int NOT NULL, descr varchar(200),"
                            + " CONSTRAINT fk_line_inv FOREIGN KEY (invoice_id) REFERENCES invoices(id) ON DELETE CASCADE) ENGINE=InnoDB",
                    "CREATE TABLE line_notes (id bigint AUTO_INCREMENT PRIMARY KEY, line_id bigint NOT NULL, body text,"
                            + " CONSTRAINT fk_note_line FOREIGN KEY (line_id) REFERENCES invoice_lines(id) ON DELETE CASCADE) ENGINE=InnoDB",
                    "CREATE TABLE categories (id int PRIMARY KEY, tenant_id varchar(255) NOT NULL, parent_id int, label varchar(100),"
                            + " CONSTRAINT fk_cat_parent FOREIGN KEY (parent_id) REFERENCES categories(id)) ENGINE=InnoDB");
            if (keylessTable) {
                src.execute("CREATE TABLE audit_log (tenant_id varchar(255) NOT NULL, at datetime DEFAULT CURRENT_TIMESTAMP, what text) ENGINE=InnoDB");
            }
        }
        src.execute("INSERT INTO countries VALUES ('DE', 'Germany'), ('FR', 'France')");
    }

    /** Seeds a tenant: customers, invoices with lines and notes, a category tree. Ids derive from {@code base}. */
    void seed(String tenant, int base, int invoices) throws SQLException {
        try (Connection c = src.connect()) {
            c.setAutoCommit(false);
            int custId;
            try (PreparedStatement p = c.prepareStatement("INSERT INTO customers (tenant_id, name, email) VALUES (?, ?, ?)",
                    new String[] {"id"})) {
                p.setString(1, tenant);
                p.setString(2, "Customer of " + tenant);
                p.setString(3, "billing@" + base + ".example");
                p.executeUpdate();
                try (ResultSet r = p.getGeneratedKeys()) {
                    r.next();
                    custId = r.getInt(1);
                }
            }
            try (PreparedStatement inv = c.prepareStatement("INSERT INTO invoices (id, tenant_id, customer_id, total, note) VALUES (?, ?, ?, ?, ?)");
                 PreparedStatement line = c.prepareStatement("INSERT INTO invoice_lines (id, invoice_id, qty, descr) VALUES (?, ?, ?, ?)");
                 PreparedStatement note = c.prepareStatement("INSERT INTO line_notes (line_id, body) VALUES (?, ?)")) {
                for (int i = 0; i < invoices; i++) {
                    long id = base + i;
                    inv.setLong(1, id);
                    inv.setString(2, tenant);
                    inv.setInt(3, custId);
                    inv.setBigDecimal(4, new java.math.BigDecimal(i + ".25"));
                    inv.setString(5, i % 3 == 0 ? null : "note 'quoted' \\ " + i);
                    inv.addBatch();
                    for (int k = 0; k < 2; k++) {
                        line.setLong(1, id * 10 + k);
                        line.setLong(2, id);
                        line.setInt(3, k + 1);
                        line.setString(4, "line " + k);
                        line.addBatch();
                        if (k == 0) {
                            note.setLong(1, id * 10 + k);
                            note.setString(2, "note for " + (id * 10 + k));
                            note.addBatch();
                        }
                    }
                }
                inv.executeBatch();
                line.executeBatch();
                note.executeBatch();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO categories (id, tenant_id, parent_id, label) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < 5; i++) {
                    p.setInt(1, base + i);
                    p.setString(2, tenant);
                    if (i == 0) {
                        p.setNull(3, java.sql.Types.INTEGER);
                    } else {
                        p.setInt(3, base + (i - 1) / 2);
                    }
                    p.setString(4, "cat " + i);
                    p.executeUpdate();
                }
            }
            c.commit();
        }
    }

    TenantMover mover() {
        return new TenantMover(store, journal, TargetConnector.direct(), null);
    }

    /** @return a connection to where the route points (schema applied) */
    Connection connectRoute(Route r) throws SQLException {
        Target t = store.target(r.target()).orElseThrow();
        Connection c = DriverManager.getConnection(t.jdbcUrl());
        if (r.schema() != null) {
            if (engine == Engine.POSTGRESQL) {
                try (var s = c.prepareStatement("SELECT set_config('search_path', quote_ident(?), false)")) {
                    s.setString(1, r.schema());
                    s.execute();
                }
            } else {
                c.setCatalog(r.schema());
            }
        }
        return c;
    }

    Route route(String tenant) throws SQLException {
        return store.route(tenant).orElse(Route.implicitShared(tenant));
    }

    /** @return a connection to {@code db} with {@code schema} (PostgreSQL search path / MySQL database) current, if not null */
    Connection connect(TestDatabase db, String schema) throws SQLException {
        Connection c = db.connect();
        if (schema != null) {
            if (engine == Engine.POSTGRESQL) {
                try (var s = c.prepareStatement("SELECT set_config('search_path', quote_ident(?), false)")) {
                    s.setString(1, schema);
                    s.execute();
                }
            } else {
                c.setCatalog(schema);
            }
        }
        return c;
    }

    long count(TestDatabase db, String schema, String sql, String tenant) throws SQLException {
        try (Connection c = connect(db, schema)) {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                if (tenant != null) {
                    p.setString(1, tenant);
                }
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        for (String s : extraSchemas) {
            try (Connection c = src.server().admin(); var st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + s);
            }
        }
        src.close();
        dst.close();
        ctl.close();
    }
}
