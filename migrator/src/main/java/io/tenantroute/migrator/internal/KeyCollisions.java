package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the keys a rollback would collide on: keys of the tenant's rows where it lives now that exist on the
 * old source in a row that is not the tenant's (another tenant's, or no tenant's). Read-only, streaming: the
 * tenant's keys are read in batches of 500 and looked up on the old source by the databases (bound and cast to
 * the key types), never compared as Java values.
 */
public final class KeyCollisions {
    private static final int BATCH = 500;

    private KeyCollisions() {
    }

    /**
     * @param cur a connection where the tenant lives now; {@code curSchema} its schema
     * @param old a connection to the old source; {@code oldSchema} its schema
     * @param limit stop after this many collisions
     * @return up to {@code limit} collisions as {@code table (key, …)}, in load order
     */
    public static List<String> find(Dialect e, Connection cur, String curSchema, Connection old, String oldSchema, List<TableJob> jobs,
            String tenant, int limit) throws SQLException {
        List<String> out = new ArrayList<>();
        boolean auto = cur.getAutoCommit();
        cur.setAutoCommit(false); // PostgreSQL streams only inside a transaction
        try {
            for (TableJob job : jobs) {
                if (out.size() >= limit) {
                    break;
                }
                List<String> key = job.def().keyColumns();
                if (key.isEmpty()) {
                    continue;
                }
                String sel = "SELECT " + keyText(e, key) + job.own().fromWhereTenant(e, curSchema);
                try (PreparedStatement p = cur.prepareStatement(sel, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    p.setFetchSize(e == Dialect.MYSQL ? Integer.MIN_VALUE : 1000);
                    p.setString(1, tenant);
                    try (ResultSet r = p.executeQuery()) {
                        List<String[]> batch = new ArrayList<>();
                        while (r.next() && out.size() < limit) {
                            String[] k = new String[key.size()];
                            for (int i = 0; i < k.length; i++) {
                                k[i] = r.getString(i + 1);
                            }
                            batch.add(k);
                            if (batch.size() == BATCH) {
                                check(e, old, oldSchema, job, tenant, batch, out, limit);
                                batch.clear();
                            }
                        }
                        if (!batch.isEmpty() && out.size() < limit) {
                            check(e, old, oldSchema, job, tenant, batch, out, limit);
                        }
                    }
                }
            }
            cur.commit();
        } finally {
            try {
                cur.rollback();
            } catch (SQLException ignored) {
                // read-only transaction
            }
            cur.setAutoCommit(auto);
        }
        return out;
    }

    private static String keyText(Dialect e, List<String> key) {
        StringBuilder b = new StringBuilder();
        for (String k : key) {
            b.append(b.length() > 0 ? ", " : "").append(e == Dialect.POSTGRESQL ? "t0." + e.q(k) + "::text" : "CAST(t0." + e.q(k) + " AS CHAR)");
        }
        return b.toString();
    }

    private static void check(Dialect e, Connection old, String oldSchema, TableJob job, String tenant, List<String[]> keys, List<String> out,
            int limit) throws SQLException {
        List<String> key = job.def().keyColumns();
        StringBuilder tuple = new StringBuilder(key.size() > 1 ? "(" : "");
        StringBuilder one = new StringBuilder(key.size() > 1 ? "(" : "");
        for (int i = 0; i < key.size(); i++) {
            tuple.append(i > 0 ? ", " : "").append("t0.").append(e.q(key.get(i)));
            one.append(i > 0 ? ", " : "").append(e == Dialect.POSTGRESQL ? "CAST(? AS " + job.type(key.get(i), oldSchema) + ")" : "?");
        }
        if (key.size() > 1) {
            tuple.append(')');
            one.append(')');
        }
        StringBuilder in = new StringBuilder(" IN (");
        for (int i = 0; i < keys.size(); i++) {
            in.append(i > 0 ? ", " : "").append(one);
        }
        in.append(')');
        Set<String> present = read(old, "SELECT " + keyText(e, key) + " FROM " + e.q(oldSchema, job.name()) + " t0 WHERE " + tuple + in,
                null, keys);
        if (present.isEmpty()) {
            return;
        }
        present.removeAll(read(old, "SELECT " + keyText(e, key) + job.own().fromWhereTenant(e, oldSchema) + " AND "
                + tuple + in, tenant, keys));
        for (String k : present) {
            if (out.size() >= limit) {
                return;
            }
            out.add(job.name() + " (" + k + ")");
        }
    }

    private static Set<String> read(Connection c, String sql, String tenant, List<String[]> keys) throws SQLException {
        Set<String> found = new java.util.TreeSet<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int n = 1;
            if (tenant != null) {
                p.setString(n++, tenant);
            }
            for (String[] k : keys) {
                for (String v : k) {
                    p.setString(n++, v);
                }
            }
            try (ResultSet r = p.executeQuery()) {
                int cols = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= cols; i++) {
                        b.append(i > 1 ? ", " : "").append(r.getString(i));
                    }
                    found.add(b.toString());
                }
            }
        }
        return found;
    }
}
