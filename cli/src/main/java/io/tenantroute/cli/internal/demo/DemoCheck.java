package io.tenantroute.cli.internal.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After the workload: counts the markers of every acknowledged write in every database and checks that each
 * tenant's writes are all on the database of its route at the time, and on no other. Not thread-safe.
 *
 * <p>Rules: an acknowledged invoice (with all its lines) must be on the tenant's final target exactly once.
 * The moved tenant's invoices acknowledged before the flip are also on its old target (the copy leaves the
 * source rows in place); any other copy, or one acknowledged after the flip on the old target, went astray.
 * The last acknowledged update of each customer must be the value on the tenant's final target.
 */
public final class DemoCheck {
    /** The outcome, counts only (filled by {@link DemoCheck#run}; not thread-safe). */
    public static final class Result {
        /** Acknowledged invoice inserts checked. */
        public long acks;
        /** …found with all their lines on the tenant's final database. */
        public long acksOnRightDatabase;
        /** …not found there (lost, or written where the copy could not see it). */
        public long acksMissing;
        /** Copies of acknowledged invoices on a database where they must not be. */
        public long acksElsewhere;
        /** Customers whose last acknowledged update was checked. */
        public long updates;
        /** …whose final database holds that update. */
        public long updatesOnRightDatabase;
        /** …whose final database holds another value (the update was lost or went elsewhere). */
        public long updatesWrong;
        /** Marked invoices no acknowledgement names (commit outcome unknown to the app); not counted as astray. */
        public long unacknowledgedRows;
        /** Statements the app itself saw run on a target other than the tenant's route, or read nothing. */
        public long workloadStrays;
        /** Per tenant: acknowledged writes checked (invoice inserts and customers' last updates). */
        public final Map<String, Long> writesByTenant = new HashMap<>();
        /** Per tenant: acknowledged writes lost, duplicated or found where they must not be. */
        public final Map<String, Long> lostByTenant = new HashMap<>();
        /** Up to ten human-readable examples of what went astray. */
        public final List<String> samples = new ArrayList<>();

        /** @return every kind of statement or row that went astray */
        public long astray() {
            return workloadStrays + acksMissing + acksElsewhere + updatesWrong;
        }

        void sample(String s) {
            if (samples.size() < 10) {
                samples.add(s);
            }
        }
    }

    /**
     * A tenant that moved during the run: copies of its acknowledged writes may stay on {@code from} only if the
     * write was made before the source was closed to it.
     *
     * @param tenant the tenant
     * @param from its old target
     * @param closedAt nanoTime from which the source accepts no write of the tenant any more
     * @param byStart true: a copy on {@code from} is allowed when the write's transaction STARTED before
     *     {@code closedAt} (a fence rejects later ones); false: when it was acknowledged before
     */
    public record Move(String tenant, String from, long closedAt, boolean byStart) {
    }

    private record Found(String target, String tenant, long lines) {
    }

    private DemoCheck() {
    }

    /**
     * @param databases each target's open connection (autocommit)
     * @param w the finished workload
     * @param runId the marker prefix of this run
     * @param finalRoutes each tenant's target after the re-route
     * @param moved the moved tenant
     * @param movedFrom its old target
     * @return the counts
     */
    public static Result run(Map<String, Connection> databases, Workload w, String runId, Map<String, String> finalRoutes,
            String moved, String movedFrom) throws SQLException {
        return run(databases, w.acks(), w.updates(), w.strays(), runId, finalRoutes,
                List.of(new Move(moved, movedFrom, w.flipAt(), false)));
    }

    /**
     * @param databases each target's open connection (autocommit)
     * @param w the finished workload
     * @param runId the marker prefix of this run
     * @param finalRoutes each tenant's target at the end
     * @param moves the tenants that moved during the run
     * @return the counts
     */
    public static Result run(Map<String, Connection> databases, Workload w, String runId, Map<String, String> finalRoutes,
            List<Move> moves) throws SQLException {
        return run(databases, w.acks(), w.updates(), w.strays(), runId, finalRoutes, moves);
    }

    /**
     * The same check on recorded facts (what {@link Workload} collected).
     *
     * @param databases each target's open connection (autocommit)
     * @param acks acknowledged invoice inserts
     * @param updates last acknowledged update per customer
     * @param strays statements the app itself saw go astray
     * @param flipAt nanoTime at which the moved tenant's new route was committed
     * @param runId the marker prefix of this run
     * @param finalRoutes each tenant's target after the re-route
     * @param moved the moved tenant
     * @param movedFrom its old target
     * @return the counts
     */
    static Result run(Map<String, Connection> databases, List<Workload.Ack> acks, List<Workload.Update> updates,
            List<Workload.Stray> strays, long flipAt, String runId, Map<String, String> finalRoutes, String moved,
            String movedFrom) throws SQLException {
        return run(databases, acks, updates, strays, runId, finalRoutes, List.of(new Move(moved, movedFrom, flipAt, false)));
    }

    static Result run(Map<String, Connection> databases, List<Workload.Ack> acks, List<Workload.Update> updates,
            List<Workload.Stray> strays, String runId, Map<String, String> finalRoutes, List<Move> moves) throws SQLException {
        Map<String, Move> byTenant = new HashMap<>();
        for (Move m : moves) {
            byTenant.put(m.tenant(), m);
        }
        Result r = new Result();
        Map<String, List<Found>> invoices = new HashMap<>();
        Map<String, Map<String, String>> customerMarkers = new HashMap<>();
        for (Map.Entry<String, Connection> db : databases.entrySet()) {
            try (PreparedStatement ps = db.getValue().prepareStatement(
                    "SELECT i.tenant_id, i.marker, count(l.id) FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id"
                            + " WHERE i.marker LIKE ? GROUP BY i.id, i.tenant_id, i.marker")) {
                ps.setString(1, "m-" + runId + "-%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        invoices.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                                .add(new Found(db.getKey(), rs.getString(1), rs.getLong(3)));
                    }
                }
            }
            Map<String, String> cm = new HashMap<>();
            try (PreparedStatement ps = db.getValue().prepareStatement(
                    "SELECT tenant_id, id, last_marker FROM customers WHERE last_marker LIKE ?")) {
                ps.setString(1, "u-" + runId + "-%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cm.put(rs.getString(1) + '\0' + rs.getLong(2), rs.getString(3));
                    }
                }
            }
            customerMarkers.put(db.getKey(), cm);
        }
        Set<String> acked = new HashSet<>();
        for (Workload.Ack a : acks) {
            r.acks++;
            r.writesByTenant.merge(a.tenant(), 1L, Long::sum);
            acked.add(a.marker());
            Move mv = byTenant.get(a.tenant());
            String home = finalRoutes.get(a.tenant());
            boolean onHome = false;
            for (Found f : invoices.getOrDefault(a.marker(), List.of())) {
                boolean right = f.target().equals(home) && f.tenant().equals(a.tenant()) && f.lines() == a.lines();
                if (right && !onHome) {
                    onHome = true;
                } else if (mv != null && f.target().equals(mv.from()) && f.tenant().equals(a.tenant())
                        && (mv.byStart() ? a.startNanos() < mv.closedAt() : a.endNanos() < mv.closedAt())) {
                    // written before the flip: the source keeps its copy until cleanup
                } else {
                    r.acksElsewhere++;
                    r.lostByTenant.merge(a.tenant(), 1L, Long::sum);
                    r.sample("invoice " + a.marker() + " of tenant '" + a.tenant() + "' found on " + f.target()
                            + " (" + f.lines() + " of " + a.lines() + " lines); its route is " + home);
                }
            }
            if (onHome) {
                r.acksOnRightDatabase++;
            } else {
                r.acksMissing++;
                r.lostByTenant.merge(a.tenant(), 1L, Long::sum);
                r.sample("acknowledged invoice " + a.marker() + " of tenant '" + a.tenant() + "' (ran on "
                        + a.target() + ") is not on " + home);
            }
        }
        for (String marker : invoices.keySet()) {
            if (!acked.contains(marker)) {
                r.unacknowledgedRows++;
            }
        }
        for (Workload.Update u : updates) {
            r.updates++;
            r.writesByTenant.merge(u.tenant(), 1L, Long::sum);
            String home = finalRoutes.get(u.tenant());
            String found = customerMarkers.getOrDefault(home, Map.of()).get(u.tenant() + '\0' + u.customerId());
            if (u.marker().equals(found)) {
                r.updatesOnRightDatabase++;
            } else {
                r.updatesWrong++;
                r.lostByTenant.merge(u.tenant(), 1L, Long::sum);
                r.sample("customer " + u.customerId() + " of tenant '" + u.tenant() + "' on " + home + " holds "
                        + found + ", the last acknowledged update was " + u.marker() + " (ran on " + u.target() + ")");
            }
        }
        for (Workload.Stray s : strays) {
            r.workloadStrays++;
            r.sample("tenant '" + s.tenant() + "': " + s.what() + " ran on " + s.target() + ", expected " + s.expected());
        }
        return r;
    }
}
