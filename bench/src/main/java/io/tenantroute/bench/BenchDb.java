package io.tenantroute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shared plumbing of the load harnesses: the server of an engine (admin URL from {@code TENANTROUTE_BENCH_PG_URL}
 * / {@code TENANTROUTE_BENCH_MYSQL_URL}, defaulting to the local servers), uniquely named databases that are
 * dropped at the end, the benchmark table and its seed data, and the load average. Not thread-safe; used from a
 * harness's main thread.
 */
final class BenchDb implements AutoCloseable {
    /** The engine under test. */
    enum Kind {
        PG, MARIADB;

        static Kind parse(String s) {
            String v = s.toLowerCase(Locale.ROOT);
            return v.startsWith("p") ? PG : MARIADB;
        }
    }

    final Kind kind;
    final String adminUrl;
    private final String base;
    private final String query;
    final String prefix;
    private final List<String> created = new ArrayList<>();

    BenchDb(Kind kind) {
        this.kind = kind;
        if (kind == Kind.PG) {
            adminUrl = System.getenv().getOrDefault("TENANTROUTE_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        } else {
            adminUrl = System.getenv().getOrDefault("TENANTROUTE_BENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/?user=root");
        }
        int hostStart = adminUrl.indexOf("//") + 2;
        int slash = adminUrl.indexOf('/', hostStart);
        int q = adminUrl.indexOf('?');
        base = adminUrl.substring(0, slash + 1);
        query = q < 0 ? "" : adminUrl.substring(q);
        prefix = "trb_" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    }

    /** @return a new empty database named {@code prefix_suffix}, dropped by {@link #close()} */
    String create(String suffix) throws SQLException {
        String name = prefix + "_" + suffix;
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        created.add(name);
        return name;
    }

    /** @return the vendor JDBC URL of a database */
    String url(String db) {
        String u = base + db + query;
        if (kind == Kind.MARIADB) {
            u += (u.contains("?") ? "&" : "?") + "rewriteBatchedStatements=true";
        }
        return u;
    }

    Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(url(db));
    }

    /** Host and port of the server, for the client tools. */
    String host() {
        String hp = base.substring(base.indexOf("//") + 2, base.length() - 1);
        return hp.contains(":") ? hp.substring(0, hp.indexOf(':')) : hp;
    }

    String port() {
        String hp = base.substring(base.indexOf("//") + 2, base.length() - 1);
        return hp.contains(":") ? hp.substring(hp.indexOf(':') + 1) : (kind == Kind.PG ? "5432" : "3306");
    }

    /** Creates the invoices table (8 columns: bigint key, tenant, text, numeric, char, timestamp, varchar, int). */
    void createInvoices(String db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            if (kind == Kind.PG) {
                s.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, customer text NOT NULL,"
                        + " description text, amount numeric(12,2) NOT NULL DEFAULT 0, currency char(3) NOT NULL DEFAULT 'EUR',"
                        + " issued_at timestamp NOT NULL DEFAULT now(), status varchar(16) NOT NULL DEFAULT 'open', revision int NOT NULL DEFAULT 0)");
                s.execute("CREATE INDEX invoices_tenant ON invoices (tenant_id, issued_at)");
            } else {
                s.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, customer varchar(200) NOT NULL,"
                        + " description text, amount decimal(12,2) NOT NULL DEFAULT 0, currency char(3) NOT NULL DEFAULT 'EUR',"
                        + " issued_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), status varchar(16) NOT NULL DEFAULT 'open',"
                        + " revision int NOT NULL DEFAULT 0, KEY invoices_tenant (tenant_id, issued_at)) ENGINE=InnoDB");
            }
        }
    }

    /** Inserts {@code rows} invoices of {@code tenant} with ids {@code firstId…}, generated server-side. */
    void seed(String db, String tenant, long firstId, long rows) throws SQLException {
        String t = tenant.replace("'", "''");
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            if (kind == Kind.PG) {
                s.execute("INSERT INTO invoices (id, tenant_id, customer, description, amount, currency, issued_at, status)"
                        + " SELECT " + (firstId - 1) + " + g, '" + t + "', 'Customer ' || (g % 5000), 'Invoice ' || g || ' for services rendered, ref '"
                        + " || md5(g::text), (g % 100000) / 100.0, CASE WHEN g % 3 = 0 THEN 'USD' ELSE 'EUR' END,"
                        + " timestamp '2024-01-01' + g * interval '1 second', CASE WHEN g % 7 = 0 THEN 'paid' ELSE 'open' END"
                        + " FROM generate_series(1, " + rows + ") g");
                s.execute("ANALYZE invoices");
            } else {
                // the Sequence engine is built into MariaDB; chunks keep the undo log small
                long chunk = 200_000;
                for (long from = 1; from <= rows; from += chunk) {
                    long to = Math.min(rows, from + chunk - 1);
                    s.execute("INSERT INTO invoices (id, tenant_id, customer, description, amount, currency, issued_at, status)"
                            + " SELECT " + (firstId - 1) + " + seq, '" + t + "', CONCAT('Customer ', seq % 5000),"
                            + " CONCAT('Invoice ', seq, ' for services rendered, ref ', MD5(seq)), (seq % 100000) / 100.0,"
                            + " IF(seq % 3 = 0, 'USD', 'EUR'), TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, IF(seq % 7 = 0, 'paid', 'open')"
                            + " FROM seq_" + from + "_to_" + to);
                }
                s.execute("ANALYZE TABLE invoices");
            }
        }
    }

    long count(String db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** @return the 1/5/15-minute load average of this machine, as in {@code uptime} */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    @Override
    public void close() {
        for (String db : created) {
            try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + (kind == Kind.PG ? " WITH (FORCE)" : ""));
            } catch (SQLException e) {
                System.err.println("could not drop " + db + ": " + e.getMessage());
            }
        }
        created.clear();
    }
}
