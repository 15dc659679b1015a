package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Checksums;
import io.tenantroute.migrator.internal.Copier;
import io.tenantroute.migrator.internal.IncrementalVerifier;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.Planner;
import io.tenantroute.migrator.internal.TableJob;
import io.tenantroute.migrator.internal.TargetSchema;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cutover's incremental verification against a full recount: after changes on either side, reported only
 * as changed keys, its maintained counts and checksums must equal {@link Checksums#compute} over every row, and
 * every key that still differs must be named.
 */
class IncrementalVerifierTest {

    private static String schema(Fixture f, io.tenantroute.testsupport.TestDatabase db) {
        return f.engine == Engine.POSTGRESQL ? "public" : db.name();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void maintainedChecksumsEqualAFullRecount_andDifferingKeysAreNamed(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); Connection s = f.src.connect(); Connection d = f.dst.connect()) {
            f.seed("acme", 1000, 20);
            f.seed("other", 2000, 5);
            var e = io.tenantroute.config.Dialect.of(s);
            String ss = schema(f, f.src);
            String ds = schema(f, f.dst);
            Map<String, Catalog.Table> tables;
            try (Connection cat = f.src.connect()) {
                tables = Catalog.read(cat, e, ss);
            }
            List<TableJob> jobs = new ArrayList<>();
            for (Ownership o : Planner.owned(tables, "tenant_id", Map.of())) {
                TableJob j = new TableJob(tables.get(o.table()), o);
                jobs.add(j);
                TargetSchema.createTable(e, d, ds, j);
                try (Connection cs = f.src.connect(); Connection cd = f.dst.connect()) { // one pair per table, as the mover does
                    Copier.copy(e, cs, ss, cd, ds, j, "acme", n -> { });
                }
            }
            TableJob invoices = jobs.stream().filter(j -> j.name().equals("invoices")).findFirst().orElseThrow();
            // a difference the copy "made" before the baseline: must stay visible until fixed
            f.dst.execute("UPDATE invoices SET total = 999 WHERE id = 1006");
            IncrementalVerifier v = new IncrementalVerifier(e, ss, ds, jobs, "acme");
            v.baseline(s, d);
            assertEquals(1, v.toRecheck(), "the one differing key");

            // source changes, reported as the capture would (key text as the trigger writes it)
            f.src.execute("UPDATE invoices SET total = 1.5 WHERE id = 1003",
                    "INSERT INTO invoices (id, tenant_id, total, issued) VALUES (5000, 'acme', 7, '2026-01-02 03:04:05')",
                    "DELETE FROM line_notes WHERE line_id = 10040", "DELETE FROM invoice_lines WHERE invoice_id = 1004",
                    "DELETE FROM invoices WHERE id = 1004");
            v.changed("invoices", "[1003]");
            v.changed("invoices", "[5000]");
            v.changed("invoices", "[1004]");
            v.changed("invoice_lines", "[10040]");
            v.changed("invoice_lines", "[10041]");
            v.changed("line_notes", "[5]"); // the note of line 10040 (identity ids 1..20 in seed order)
            List<TableVerification> before = v.finish(s, d, 10);
            TableVerification inv = before.stream().filter(t -> t.table().equals("invoices")).findFirst().orElseThrow();
            assertFalse(inv.matches());
            Checksums.Result fullSrc = Checksums.compute(e, s, ss, invoices, "acme", null);
            Checksums.Result fullDst = Checksums.compute(e, d, ds, invoices, "acme", null);
            assertEquals(fullSrc.rows(), inv.sourceRows());
            assertEquals(fullSrc.checksum(), inv.sourceChecksum());
            assertEquals(fullDst.rows(), inv.targetRows());
            assertEquals(fullDst.checksum(), inv.targetChecksum());
            assertTrue(inv.mismatches().contains("key=[1003] differs"), inv.mismatches().toString());
            assertTrue(inv.mismatches().contains("key=[5000] missing on target"), inv.mismatches().toString());
            assertTrue(inv.mismatches().contains("key=[1004] extra on target"), inv.mismatches().toString());
            assertTrue(inv.mismatches().contains("key=[1006] differs"), inv.mismatches().toString());

            // the target catches up: every table matches and equals a full recount on both sides
            f.dst.execute("UPDATE invoices SET total = 1.5 WHERE id = 1003",
                    "INSERT INTO invoices (id, tenant_id, total, issued) VALUES (5000, 'acme', 7, '2026-01-02 03:04:05')",
                    "DELETE FROM line_notes WHERE line_id = 10040", "DELETE FROM invoice_lines WHERE invoice_id = 1004",
                    "DELETE FROM invoices WHERE id = 1004", "UPDATE invoices SET total = 6.25 WHERE id = 1006");
            v.changed("line_notes", "[0]"); // a key that exists nowhere: harmless
            for (TableVerification t : v.finish(s, d, 10)) {
                TableJob j = jobs.stream().filter(x -> x.name().equals(t.table())).findFirst().orElseThrow();
                Checksums.Result a = Checksums.compute(e, s, ss, j, "acme", null);
                Checksums.Result b = Checksums.compute(e, d, ds, j, "acme", null);
                assertTrue(t.matches(), t.table() + ": " + t.mismatches());
                assertEquals(a.checksum(), t.sourceChecksum(), t.table());
                assertEquals(b.checksum(), t.targetChecksum(), t.table());
                assertEquals(a.rows(), t.targetRows(), t.table());
            }
            assertEquals(0, v.toRecheck());
        }
    }
}
