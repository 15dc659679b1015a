package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * DDL on a MySQL/MariaDB table that the application may be writing at that moment (capture triggers on the
 * source, identity counters and foreign keys of a destination that already holds other tenants), done so that
 * it never makes one of the application's transactions fail.
 *
 * <p>Why: such DDL takes the table's metadata lock in a shared-no-write mode and then upgrades it to exclusive
 * (MariaDB {@code mysql_create_or_drop_trigger}, in-place {@code ALTER TABLE}). While it waits for the upgrade, an
 * application transaction that already holds a weaker lock on the table (it read it, or an earlier statement
 * touched it through a foreign key's prelocking) and now asks for a write lock closes a cycle; the metadata-lock
 * deadlock detector then picks the DML as its victim ({@code ER_LOCK_DEADLOCK}, SQLSTATE {@code 40001}, shown
 * nowhere in InnoDB's deadlock monitor — it is not an InnoDB deadlock). Measured on MariaDB 10.11: 3 of 8 writers
 * of four tenants got it while one tenant's capture triggers were created (issue 15, {@code WriterDeadlockTest}).
 * An in-place {@code ALTER TABLE … AUTO_INCREMENT} also waits, holding the exclusive lock, for InnoDB locks of
 * transactions that hold no metadata lock on the table (a child row's foreign-key check) — every other writer of
 * the table queues behind it meanwhile (up to {@code innodb_lock_wait_timeout}, 50 s by default).
 *
 * <p>How: the statement runs with {@code lock_wait_timeout = 0} and {@code innodb_lock_wait_timeout = 0}
 * (MariaDB: fail at once instead of queueing; a request that never waits is never in a wait-for cycle and never
 * blocks anyone for longer than the statement itself), and is tried again after a short sleep (2 ms growing to
 * 50 ms) until {@code timeoutMs}. MySQL 8 accepts no 0 for these variables: there the minimum, 1 s, is used, and
 * the cycle described above can still occur (not testable here: no MySQL 8 server on this project's machines).
 * PostgreSQL: the statement runs as it is (its lock manager re-orders waiting requests instead of failing one).
 *
 * <p>Blocking; not thread-safe per connection (it changes and restores two session variables).
 */
public final class LiveDdl {
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;

    private LiveDdl() {
    }

    /**
     * Runs one DDL statement on a table that may be in use.
     *
     * @param what the table, for the error message
     * @param timeoutMs how long to keep trying, in milliseconds
     * @throws SQLException {@code TR011} when the table stayed in use for {@code timeoutMs}; other vendor errors as they are
     */
    public static void execute(Dialect e, Connection c, String ddl, String what, long timeoutMs) throws SQLException {
        if (e != Dialect.MYSQL) {
            try (Statement s = c.createStatement()) {
                s.execute(ddl);
            }
            return;
        }
        String oldMdl = variable(c, "lock_wait_timeout");
        String oldInno = variable(c, "innodb_lock_wait_timeout");
        try (Statement s = c.createStatement()) {
            setZeroOrMinimum(s, "lock_wait_timeout");
            setZeroOrMinimum(s, "innodb_lock_wait_timeout");
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            long sleepMs = 2;
            int tries = 0;
            while (true) {
                tries++;
                try {
                    s.execute(ddl);
                    return;
                } catch (SQLException ex) {
                    if (ex.getErrorCode() != ER_LOCK_WAIT_TIMEOUT && ex.getErrorCode() != ER_LOCK_DEADLOCK) {
                        throw ex;
                    }
                    if (System.nanoTime() > deadline) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception("table " + what + " stayed in use by the application's transactions for "
                                + timeoutMs + " ms (" + tries + " tries): its metadata lock was never free for a moment, so the DDL the move needs"
                                + " there was not run (it never waits in the application's way)", ex);
                    }
                }
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted while waiting for table " + what + " to be free");
                }
                sleepMs = Math.min(50, sleepMs * 2);
            }
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = " + Long.parseLong(oldMdl));
                s.execute("SET SESSION innodb_lock_wait_timeout = " + Long.parseLong(oldInno));
            }
        }
    }

    private static void setZeroOrMinimum(Statement s, String var) throws SQLException {
        try {
            s.execute("SET SESSION " + var + " = 0");
        } catch (SQLException mysql8) {
            s.execute("SET SESSION " + var + " = 1");
        }
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT @@SESSION." + name)) {
            r.next();
            String v = r.getString(1);
            int dot = v.indexOf('.');
            return dot < 0 ? v : v.substring(0, dot); // lock_wait_timeout is a double on MariaDB
        }
    }
}
