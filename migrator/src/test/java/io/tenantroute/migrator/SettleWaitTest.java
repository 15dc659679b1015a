package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A transaction that wrote the tenant's rows before the capture started, and is still open, must end before the copy
 * snapshot is taken, or its write would be neither copied nor captured. The capture triggers are already installed
 * (an earlier move of another tenant), so on MySQL (which keeps existing triggers) only the settle wait holds the
 * copy back — this checks that a real open transaction is not mistaken for one of the stale entries MariaDB's
 * {@code innodb_trx} can show (the wait cross-checks InnoDB's monitor). On PostgreSQL the trigger re-install waits
 * for it too.
 */
class SettleWaitTest {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aWritingTransactionThatCommitsDuringTheWait_isInTheMovedRows(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 5);
            f.seed("globex", 5000, 3);
            f.mover().move(MoveRequest.of("globex", "dedicated"), MoveListener.NONE); // installs the triggers
            Connection open = f.src.connect();
            open.setAutoCommit(false);
            try (PreparedStatement p = open.prepareStatement("UPDATE invoices SET total = 77 WHERE id = 1002")) {
                assertEquals(1, p.executeUpdate());
            }
            // commits 2 s into the move: the wait must hold the copy back until then
            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                try (open) {
                    Thread.sleep(2000);
                    open.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            MoveResult r = f.mover().move(MoveRequest.of("acme", "dedicated").withSettleTimeoutMs(30_000), MoveListener.NONE);
            later.get(30, TimeUnit.SECONDS);
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1002 AND total = 77", null));
        }
    }
}
