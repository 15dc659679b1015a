package io.tenantroute.cli.internal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The demo's own verdict must be able to say "astray": rows on the wrong database, missing rows, missing lines,
 * a lost update, a write on the old database after the flip — each is counted; a clean run counts nothing.
 */
class DemoCheckTest {
    private static final String RUN = "t3st";

    @Test
    void misplacedMissingAndLostWrites_areCountedAsAstray_cleanOnesAreNot() throws Exception {
        TestServer server = TestDatabases.server(Engine.POSTGRESQL);
        try (TestDatabase shared = server.createDatabase("democheck_s"); TestDatabase dedicated = server.createDatabase("democheck_d");
             Connection s = shared.connect(); Connection d = dedicated.connect()) {
            for (Connection c : List.of(s, d)) {
                DemoSchema.create(c);
                DemoSchema.addConstraints(c);
                c.createStatement().execute("INSERT INTO tenants (id, name, plan) VALUES ('t1', 'T1', 'x'), ('t2', 'T2', 'x'), ('mv', 'MV', 'x')");
                c.createStatement().execute("INSERT INTO customers (id, tenant_id, name, country) VALUES (1, 't1', 'c', 'US'), "
                        + "(2, 't2', 'c', 'US'), (3, 't2', 'c', 'US'), (4, 'mv', 'c', 'US')");
            }
            invoice(s, 10, "t2", 2, "m-" + RUN + "-0-1");   // right: t2 lives on shared
            invoice(s, 11, "t1", 2, "m-" + RUN + "-0-2");   // wrong: t1 lives on dedicated
            invoice(s, 12, "t2", 1, "m-" + RUN + "-0-3");   // a line missing: acknowledged with 2
            invoice(s, 13, "mv", 1, "m-" + RUN + "-0-4");   // mv before the flip: on both (copied)
            invoice(d, 13, "mv", 1, "m-" + RUN + "-0-4");
            invoice(s, 14, "mv", 1, "m-" + RUN + "-0-5");   // mv after the flip, on the old database only
            s.createStatement().execute("UPDATE customers SET last_marker = 'u-" + RUN + "-0-6' WHERE id = 2");
            s.createStatement().execute("UPDATE customers SET last_marker = 'u-" + RUN + "-0-7' WHERE id = 3");

            long flip = 1000;
            List<Workload.Ack> acks = List.of(
                    new Workload.Ack("t2", "m-" + RUN + "-0-1", 2, "shared", 1, 2),
                    new Workload.Ack("t1", "m-" + RUN + "-0-2", 2, "shared", 1, 2),
                    new Workload.Ack("t2", "m-" + RUN + "-0-3", 2, "shared", 1, 2),
                    new Workload.Ack("mv", "m-" + RUN + "-0-4", 1, "shared", 1, 2),
                    new Workload.Ack("mv", "m-" + RUN + "-0-5", 1, "shared", flip + 1, flip + 2));
            List<Workload.Update> updates = List.of(
                    new Workload.Update("t2", 2, "u-" + RUN + "-0-6", "shared", 2),
                    new Workload.Update("t2", 3, "u-" + RUN + "-0-8", "shared", 2)); // 0-8 was acknowledged, 0-7 is there
            Map<String, Connection> dbs = new LinkedHashMap<>();
            dbs.put("shared", s);
            dbs.put("dedicated", d);
            Map<String, String> routes = Map.of("t1", "dedicated", "t2", "shared", "mv", "dedicated");

            DemoCheck.Result bad = DemoCheck.run(dbs, acks, updates,
                    List.of(new Workload.Stray("t1", "read customer", "shared", Set.of("dedicated"))), flip, RUN, routes, "mv", "shared");
            assertEquals(5, bad.acks);
            assertEquals(2, bad.acksOnRightDatabase, bad.samples::toString);       // 0-1 and 0-4
            assertEquals(3, bad.acksMissing, bad.samples::toString);               // 0-2, 0-3, 0-5
            assertEquals(3, bad.acksElsewhere, bad.samples::toString);             // 0-2, 0-3 (wrong lines), 0-5 on shared after the flip
            assertEquals(1, bad.updatesOnRightDatabase);
            assertEquals(1, bad.updatesWrong);
            assertEquals(1, bad.workloadStrays);
            assertEquals(8, bad.astray());
            assertTrue(bad.samples.stream().anyMatch(x -> x.contains("m-" + RUN + "-0-5")), bad.samples::toString);

            DemoCheck.Result clean = DemoCheck.run(dbs, List.of(acks.get(0), acks.get(3)), List.of(updates.get(0)), List.of(),
                    flip, RUN, routes, "mv", "shared");
            assertEquals(0, clean.astray(), clean.samples::toString);
            assertEquals(2, clean.acksOnRightDatabase);
            assertEquals(3, clean.unacknowledgedRows, "0-2, 0-3 and 0-5 are there without an acknowledgement");
        }
    }

    @Test
    void movedTenant_oldTargetBeforeFreeze_newAfterFlip_eitherInBetween() {
        Workload w = new Workload("jdbc:tenantroute:postgresql://x/y", new java.util.Properties(), List.of(), null, 1, 1, 0,
                RUN, Map.of("mv", "shared", "other", "eu"), "mv", "mv_db");
        assertEquals(Set.of("shared"), w.allowed("mv", 1, 2), "no freeze yet");
        assertEquals(Set.of("eu"), w.allowed("other", 1, 2));
        w.markFreeze();
        long afterFreeze = System.nanoTime();
        assertEquals(Set.of("shared", "mv_db"), w.allowed("mv", afterFreeze, afterFreeze + 1));
        w.markFlip();
        long afterFlip = System.nanoTime() + 1;
        assertEquals(Set.of("mv_db"), w.allowed("mv", afterFlip, afterFlip + 1));
        assertEquals(Set.of("shared"), w.allowed("mv", 0, 1), "ended before the freeze");
        assertEquals(Set.of("eu"), w.allowed("other", afterFlip, afterFlip + 1));
    }

    @Test
    void onlineMove_writeStartedAfterTheFence_onTheSource_isLost_earlierCopiesAreNot() throws Exception {
        TestServer server = TestDatabases.server(Engine.POSTGRESQL);
        try (TestDatabase shared = server.createDatabase("democheck_os"); TestDatabase dedicated = server.createDatabase("democheck_od");
             Connection s = shared.connect(); Connection d = dedicated.connect()) {
            for (Connection c : List.of(s, d)) {
                DemoSchema.create(c);
                DemoSchema.addConstraints(c);
                c.createStatement().execute("INSERT INTO tenants (id, name, plan) VALUES ('on', 'ON', 'x'), ('t2', 'T2', 'x')");
                c.createStatement().execute("INSERT INTO customers (id, tenant_id, name, country) VALUES (2, 't2', 'c', 'US'), (4, 'on', 'c', 'US')");
            }
            long fenced = 1000;
            invoice(s, 20, "on", 1, "m-" + RUN + "-1-1");   // started before the fence, committed while it waited: on both
            invoice(d, 20, "on", 1, "m-" + RUN + "-1-1");
            invoice(d, 21, "on", 1, "m-" + RUN + "-1-2");   // started after the fence: on the new database, and
            invoice(s, 21, "on", 1, "m-" + RUN + "-1-2");   //   astray on the fenced source
            invoice(s, 22, "on", 1, "m-" + RUN + "-1-3");   // started after the fence, only on the source: lost
            invoice(s, 23, "t2", 1, "m-" + RUN + "-1-4");   // another tenant, right
            List<Workload.Ack> acks = List.of(
                    new Workload.Ack("on", "m-" + RUN + "-1-1", 1, "shared", fenced - 500, fenced + 500),
                    new Workload.Ack("on", "m-" + RUN + "-1-2", 1, "dedicated", fenced + 1, fenced + 2),
                    new Workload.Ack("on", "m-" + RUN + "-1-3", 1, "shared", fenced + 200, fenced + 300),
                    new Workload.Ack("t2", "m-" + RUN + "-1-4", 1, "shared", fenced + 200, fenced + 300));
            Map<String, Connection> dbs = new LinkedHashMap<>();
            dbs.put("shared", s);
            dbs.put("dedicated", d);
            Map<String, String> routes = Map.of("on", "dedicated", "t2", "shared");
            List<DemoCheck.Move> moves = List.of(new DemoCheck.Move("on", "shared", fenced, true));

            DemoCheck.Result bad = DemoCheck.run(dbs, acks, List.of(), List.of(), RUN, routes, moves);
            assertEquals(Long.valueOf(3), bad.writesByTenant.get("on"));
            assertEquals(Long.valueOf(3), bad.lostByTenant.get("on"), bad.samples::toString); // 1-2 on shared; 1-3 missing and on shared
            assertEquals(null, bad.lostByTenant.get("t2"), bad.samples::toString);
            assertEquals(3, bad.acksOnRightDatabase, bad.samples::toString);                  // 1-1, 1-2, 1-4
            assertEquals(1, bad.acksMissing);
            assertEquals(2, bad.acksElsewhere);

            DemoCheck.Result clean = DemoCheck.run(dbs, List.of(acks.get(0), acks.get(3)), List.of(), List.of(), RUN, routes, moves);
            assertEquals(0, clean.astray(), clean.samples::toString);
            assertEquals(null, clean.lostByTenant.get("on"));
        }
    }

    @Test
    void onlineMovedTenant_eitherTargetDuringTheMove_newOnlyOnceTheMapHadTimeToReachTheApp() {
        Workload w = new Workload("jdbc:tenantroute:postgresql://x/y", new java.util.Properties(), List.of(), null, 1, 1, 0,
                RUN, Map.of("mv", "shared", "big", "shared"), "mv", "mv_db");
        w.trackOnlineMove("big", "big_db");
        assertEquals(Set.of("shared"), w.allowed("big", 1, 2), "before the move");
        w.markOnlineStart();
        long during = System.nanoTime();
        assertEquals(Set.of("shared", "big_db"), w.allowed("big", during, during + 1));
        w.markOnlineEnd();
        long justAfter = w.onlineEnd() + 1;
        assertEquals(Set.of("shared", "big_db"), w.allowed("big", justAfter, justAfter + 1), "routers may not have seen the flip yet");
        long later = w.onlineEnd() + Workload.MAP_PROPAGATION_NANOS + 1;
        assertEquals(Set.of("big_db"), w.allowed("big", later, later + 1));
        assertEquals(Set.of("shared"), w.allowed("mv", later, later + 1), "the other moved tenant is not affected");
    }

    private static void invoice(Connection c, long id, String tenant, int lines, String marker) throws Exception {
        long customer = tenant.equals("t1") ? 1 : tenant.equals("t2") ? 2 : 4;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoices (id, tenant_id, customer_id, number, status,"
                + " issued_on, total_cents, marker) VALUES (?, ?, ?, ?, 'draft', current_date, 0, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, tenant);
            ps.setLong(3, customer);
            ps.setString(4, marker);
            ps.setString(5, marker);
            ps.executeUpdate();
        }
        for (int l = 1; l <= lines; l++) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoice_lines (invoice_id, line_no, description,"
                    + " quantity, unit_cents) VALUES (?, ?, 'x', 1, 1)")) {
                ps.setLong(1, id);
                ps.setInt(2, l);
                ps.executeUpdate();
            }
        }
    }
}
