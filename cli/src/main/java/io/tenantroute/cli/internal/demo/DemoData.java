package io.tenantroute.cli.internal.demo;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Generates the demo tenants' rows (deterministic for a seed) and loads them with PostgreSQL {@code COPY};
 * also copies one tenant's rows from one database to another (the demo's live re-route). Not thread-safe.
 */
public final class DemoData {
    private static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "NL", "JP", "BR", "IN", "CA", "AU"};
    private static final String[] STATUS = {"draft", "sent", "paid", "paid", "paid", "overdue"};
    private static final String[] ITEMS = {"Consulting hour", "Support plan", "Licence seat", "Hosting (month)",
        "Onboarding", "Training day", "API calls (1k)", "Storage (GB)"};

    private final SplittableRandom random;
    /** Customer ids of each tenant, for the workload. */
    private final Map<String, long[]> customers = new HashMap<>();
    /** Rows generated per tenant (all tables). */
    private final Map<String, Long> rows = new HashMap<>();

    /** @param seed the random seed: the same seed gives the same data */
    public DemoData(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** @return the customer ids of the tenant (after {@link #load}) */
    public long[] customersOf(String tenant) {
        return customers.get(tenant);
    }

    /** @return the number of rows generated for the tenant, all tables together */
    public long rowsOf(String tenant) {
        return rows.getOrDefault(tenant, 0L);
    }

    /**
     * Generates the tenants' rows and loads them into one database with {@code COPY … FROM STDIN}, then moves
     * the identity sequences above the loaded ids and adds the keys and indexes. Ids are unique within the database.
     *
     * @param c a connection to the database (autocommit), its tables made by {@link DemoSchema#create} and empty
     * @param tenants the tenants that live there (may be none: then only the keys are added)
     * @return rows loaded
     */
    public long load(Connection c, List<DemoTenant> tenants) throws SQLException, IOException {
        Map<String, StringBuilder> csv = new HashMap<>();
        for (String t : DemoSchema.TABLES) {
            csv.put(t, new StringBuilder(1 << 16));
        }
        long userId = 0;
        long customerId = 0;
        long invoiceId = 0;
        long lineId = 0;
        long total = 0;
        for (DemoTenant t : tenants) {
            long n = 1;
            row(csv.get("tenants"), t.id(), t.name(), t.plan());
            for (int i = 0; i < t.users(); i++, n++) {
                row(csv.get("users"), ++userId, t.id(), "user" + i + "@" + slug(t.id()) + ".example",
                        "User " + i, i == 0 ? "owner" : (i % 7 == 0 ? "admin" : "member"));
            }
            long[] cust = new long[t.customers()];
            for (int i = 0; i < cust.length; i++, n++) {
                cust[i] = ++customerId;
                row(csv.get("customers"), cust[i], t.id(), "Customer " + i + " of " + t.name(),
                        "billing" + i + "@customer.example", COUNTRIES[random.nextInt(COUNTRIES.length)], 0, null);
            }
            customers.put(t.id(), cust);
            LocalDate start = LocalDate.of(2025, 1, 1);
            for (int i = 0; i < t.invoices(); i++, n++) {
                long inv = ++invoiceId;
                int lines = 1 + random.nextInt(5);
                long totalCents = 0;
                StringBuilder lb = csv.get("invoice_lines");
                for (int l = 1; l <= lines; l++, n++) {
                    int q = 1 + random.nextInt(20);
                    long unit = 500 + random.nextInt(50_000);
                    totalCents += q * unit;
                    row(lb, ++lineId, inv, l, ITEMS[random.nextInt(ITEMS.length)], q, unit);
                }
                row(csv.get("invoices"), inv, t.id(), cust[random.nextInt(cust.length)], "INV-" + (100000 + i),
                        STATUS[random.nextInt(STATUS.length)], start.plusDays(random.nextInt(600)), totalCents, null);
            }
            rows.put(t.id(), n);
            total += n;
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn("COPY tenants (id, name, plan) FROM STDIN (FORMAT csv)", new StringReader(csv.get("tenants").toString()));
        copy.copyIn("COPY users (id, tenant_id, email, name, role) FROM STDIN (FORMAT csv)",
                new StringReader(csv.get("users").toString()));
        copy.copyIn("COPY customers (id, tenant_id, name, email, country, balance_cents, last_marker) FROM STDIN (FORMAT csv)",
                new StringReader(csv.get("customers").toString()));
        copy.copyIn("COPY invoices (id, tenant_id, customer_id, number, status, issued_on, total_cents, marker) FROM STDIN (FORMAT csv)",
                new StringReader(csv.get("invoices").toString()));
        copy.copyIn("COPY invoice_lines (id, invoice_id, line_no, description, quantity, unit_cents) FROM STDIN (FORMAT csv)",
                new StringReader(csv.get("invoice_lines").toString()));
        DemoSchema.resetSequences(c);
        DemoSchema.addConstraints(c);
        return total;
    }

    /**
     * Copies one tenant's rows of every app table from one database to another (same schema), parents first;
     * {@code invoice_lines} is selected through {@code invoices}. The tenant id is bound as a parameter; rows go
     * through {@code COPY … FROM STDIN} on the target. Call while the tenant is frozen, so no write is missed.
     *
     * @param from the source database
     * @param to the target database (autocommit)
     * @param tenant the tenant id
     * @return rows copied per table, in copy order
     */
    public static Map<String, Long> copyTenant(Connection from, Connection to, String tenant) throws SQLException, IOException {
        Map<String, String> select = new java.util.LinkedHashMap<>();
        select.put("tenants", "SELECT * FROM tenants WHERE id = ?");
        select.put("users", "SELECT * FROM users WHERE tenant_id = ?");
        select.put("customers", "SELECT * FROM customers WHERE tenant_id = ?");
        select.put("invoices", "SELECT * FROM invoices WHERE tenant_id = ?");
        select.put("invoice_lines", "SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?");
        CopyManager copy = to.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : select.entrySet()) {
            StringBuilder csv = new StringBuilder(1 << 14);
            List<String> cols = new ArrayList<>();
            long n = 0;
            try (PreparedStatement ps = from.prepareStatement(e.getValue())) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        cols.add(md.getColumnName(i));
                    }
                    Object[] vals = new Object[cols.size()];
                    while (rs.next()) {
                        for (int i = 0; i < vals.length; i++) {
                            vals[i] = rs.getString(i + 1);
                        }
                        row(csv, vals);
                        n++;
                    }
                }
            }
            if (n > 0) {
                copy.copyIn("COPY " + e.getKey() + " (" + String.join(", ", cols) + ") FROM STDIN (FORMAT csv)",
                        new StringReader(csv.toString()));
            }
            counts.put(e.getKey(), n);
        }
        DemoSchema.resetSequences(to);
        return counts;
    }

    private static String slug(String tenant) {
        return tenant.replaceAll("[^a-z0-9]+", "-");
    }

    /** Appends one CSV row: null → empty unquoted (COPY's NULL), everything else quoted. */
    private static void row(StringBuilder b, Object... vals) {
        for (int i = 0; i < vals.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            Object v = vals[i];
            if (v == null) {
                continue;
            }
            if (v instanceof Number) {
                b.append(v);
            } else {
                b.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
            }
        }
        b.append('\n');
    }
}
