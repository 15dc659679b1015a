package io.tenantroute.migrator.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Streams one table's tenant rows from a consistent snapshot on the source into the target; never holds
 * more than one buffer (PostgreSQL) or one batch (MySQL) in memory.
 *
 * <p>PostgreSQL: {@code COPY (SELECT … WHERE tenant = <literal>) TO STDOUT} piped into
 * {@code COPY … FROM STDIN}. COPY takes no parameters, so the tenant id goes in as a string literal escaped by
 * pgjdbc's own {@code Utils.escapeLiteral} for the server's {@code standard_conforming_strings} setting — the
 * same routine pgjdbc uses when it inlines parameters itself (simple query mode), and cast to the tenant
 * column's type. A temporary view or function would also work but needs DDL rights on the source and a
 * cleanup; the escaped literal needs neither. Tenant ids with NUL are refused earlier (TenantIds).
 *
 * <p>MySQL: a streaming result set (fetch size {@code Integer.MIN_VALUE}) inside a REPEATABLE READ transaction,
 * inserted in batches of 1000 rows (multi-row statements with {@code rewriteBatchedStatements=true}).
 */
public final class Copier {
    private static final int BATCH = 1000;

    private Copier() {
    }

    /**
     * @return rows copied
     */
    public static long copy(Engine e, Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        return e == Engine.POSTGRESQL ? copyPg(src, srcSchema, tgt, tgtSchema, job, tenant, progress)
                : copyMySql(src, srcSchema, tgt, tgtSchema, job, tenant, progress);
    }

    private static long copyPg(Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        boolean std;
        try (Statement s = src.createStatement(); ResultSet r = s.executeQuery("SHOW standard_conforming_strings")) {
            r.next();
            std = "on".equalsIgnoreCase(r.getString(1));
        }
        String literal = "'" + org.postgresql.core.Utils.escapeLiteral(null, tenant, std) + "'";
        if (!std) {
            literal = "E" + literal;
        }
        String tenantSql = "CAST(" + literal + " AS " + job.own().tenantType() + ")";
        String out = "COPY (SELECT " + job.selectList(Engine.POSTGRESQL, false) + job.own().fromWhere(Engine.POSTGRESQL, srcSchema, tenantSql)
                + ") TO STDOUT";
        String in = "COPY " + Engine.POSTGRESQL.q(tgtSchema, job.name()) + " (" + job.columnList(Engine.POSTGRESQL) + ") FROM STDIN";
        src.setAutoCommit(false);
        src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        src.setReadOnly(true);
        tgt.setAutoCommit(false);
        try {
            CopyOut co = src.unwrap(PGConnection.class).getCopyAPI().copyOut(out);
            CopyIn ci = tgt.unwrap(PGConnection.class).getCopyAPI().copyIn(in);
            long rows = 0;
            long lastReport = 0;
            try {
                byte[] buf;
                while ((buf = co.readFromCopy()) != null) {
                    ci.writeToCopy(buf, 0, buf.length);
                    for (byte b : buf) {
                        if (b == '\n') {
                            rows++;
                        }
                    }
                    if (rows - lastReport >= 5000) {
                        progress.accept(rows);
                        lastReport = rows;
                    }
                }
                rows = ci.endCopy();
            } catch (SQLException ex) {
                if (ci.isActive()) {
                    try {
                        ci.cancelCopy();
                    } catch (SQLException ignored) {
                        // the target connection may be gone; the transaction is rolled back below
                    }
                }
                if (co.isActive()) {
                    try {
                        co.cancelCopy();
                    } catch (SQLException ignored) {
                        // the source transaction is rolled back below
                    }
                }
                throw ex;
            }
            tgt.commit();
            src.commit();
            progress.accept(rows);
            return rows;
        } catch (SQLException ex) {
            safeRollback(tgt);
            safeRollback(src);
            throw ex;
        } finally {
            src.setReadOnly(false);
        }
    }

    private static long copyMySql(Connection src, String srcSchema, Connection tgt, String tgtSchema, TableJob job, String tenant,
            LongConsumer progress) throws SQLException {
        String select = "SELECT " + job.selectList(Engine.MYSQL, false) + job.own().fromWhere(Engine.MYSQL, srcSchema, "?");
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < job.def().columns().size(); i++) {
            marks.append(i > 0 ? ", ?" : "?");
        }
        String insert = "INSERT INTO " + Engine.MYSQL.q(tgtSchema, job.name()) + " (" + job.columnList(Engine.MYSQL) + ") VALUES (" + marks + ")";
        src.setAutoCommit(false);
        src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        tgt.setAutoCommit(false);
        int n = job.def().columns().size();
        long rows = 0;
        try (PreparedStatement sel = src.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             PreparedStatement ins = tgt.prepareStatement(insert)) {
            sel.setFetchSize(Integer.MIN_VALUE);
            sel.setString(1, tenant);
            try (Statement s = tgt.createStatement()) {
                s.execute("SET SESSION foreign_key_checks = 0");
            }
            int inBatch = 0;
            try (ResultSet r = sel.executeQuery()) {
                while (r.next()) {
                    for (int i = 1; i <= n; i++) {
                        ins.setObject(i, job.read(Engine.MYSQL, r, i));
                    }
                    ins.addBatch();
                    rows++;
                    if (++inBatch == BATCH) {
                        ins.executeBatch();
                        tgt.commit();
                        inBatch = 0;
                        if (rows % 5000 == 0) {
                            progress.accept(rows);
                        }
                    }
                }
            }
            if (inBatch > 0) {
                ins.executeBatch();
            }
            tgt.commit();
            src.commit();
            progress.accept(rows);
            return rows;
        } catch (SQLException ex) {
            safeRollback(tgt);
            safeRollback(src);
            throw ex;
        }
    }

    static void safeRollback(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; closing it discards the transaction
        }
    }
}
