package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * {@code --copy-reference}: tables that belong to no tenant (countries, plans…) copied whole to the destination, so
 * the tenant's queries that join them work there. Copied once, during the copy step, from one REPEATABLE READ
 * snapshot per table; they are not captured, so a change to a reference table during the move is caught by
 * comparing whole-table checksums before the freeze ({@link #checksum}), which fails the move (nothing lost, the
 * tenant stays on its source). Same engine only. Stateless; every method blocks on the databases.
 */
public final class ReferenceTables {
    private static final int BATCH = 1000;

    private ReferenceTables() {
    }

    /** @return a job for a whole table (no ownership: only its definition is used here) */
    public static TableJob job(Catalog.Table t) {
        return new TableJob(t, null);
    }

    /**
     * Copies every row of {@code t} from the source to the (empty) destination table: PostgreSQL {@code COPY … TO
     * STDOUT} into {@code COPY … FROM STDIN} buffer by buffer; MySQL a streamed SELECT into batched inserts.
     *
     * @return rows copied
     */
    public static long copy(Dialect e, Connection src, String srcSchema, Connection dst, String dstSchema, Catalog.Table t)
            throws SQLException {
        TableJob j = job(t);
        boolean srcAuto = src.getAutoCommit();
        src.setAutoCommit(false);
        try {
            src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long n = e == Dialect.POSTGRESQL ? copyPg(src, srcSchema, dst, dstSchema, j, e) : copyMySql(src, srcSchema, dst, dstSchema, j, e);
            src.commit();
            return n;
        } finally {
            Copier.safeRollback(src);
            src.setAutoCommit(srcAuto);
        }
    }

    private static long copyPg(Connection src, String srcSchema, Connection dst, String dstSchema, TableJob j, Dialect e)
            throws SQLException {
        // the written columns only: COPY TO cannot name a generated column's value into COPY FROM
        CopyOut out = src.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + e.q(srcSchema, j.name()) + " (" + j.writeColumnList(e)
                + ") TO STDOUT");
        CopyIn in = dst.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + e.q(dstSchema, j.name()) + " (" + j.writeColumnList(e)
                + ") FROM STDIN");
        try {
            byte[] buf;
            while ((buf = out.readFromCopy()) != null) {
                in.writeToCopy(buf, 0, buf.length);
            }
            return in.endCopy();
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static long copyMySql(Connection src, String srcSchema, Connection dst, String dstSchema, TableJob j, Dialect e)
            throws SQLException {
        List<String> cols = j.writtenNames();
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            marks.append(i > 0 ? ", " : "").append('?');
        }
        long n = 0;
        boolean dstAuto = dst.getAutoCommit();
        dst.setAutoCommit(false);
        try (PreparedStatement sel = src.prepareStatement("SELECT " + j.writeSelectList(e, false) + " FROM " + e.q(srcSchema, j.name()) + " t0",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             PreparedStatement ins = dst.prepareStatement("INSERT INTO " + e.q(dstSchema, j.name()) + " (" + j.writeColumnList(e) + ") VALUES ("
                     + marks + ")")) {
            sel.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet r = sel.executeQuery()) {
                while (r.next()) {
                    for (int i = 0; i < cols.size(); i++) {
                        ins.setObject(i + 1, j.read(e, r, i + 1));
                    }
                    ins.addBatch();
                    if (++n % BATCH == 0) {
                        ins.executeBatch();
                    }
                }
            }
            ins.executeBatch();
            dst.commit();
            return n;
        } catch (SQLException ex) {
            Copier.safeRollback(dst);
            throw ex;
        } finally {
            dst.setAutoCommit(dstAuto);
        }
    }

    /** @return rows in the table, or -1 when it does not exist */
    public static long rows(Dialect e, Connection c, String schema, String table) throws SQLException {
        if (!TargetSchema.tableExists(e, c, schema, table)) {
            return -1;
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + e.q(schema, table))) {
            r.next();
            return r.getLong(1);
        }
    }

    /** @return count and checksum of every row of the table, encoded as {@link Checksums#compute} does */
    public static Checksums.Result checksum(Dialect e, Connection c, String schema, Catalog.Table t) throws SQLException {
        TableJob j = job(t);
        Checksums.Sum sum = new Checksums.Sum();
        Object[] row = new Object[j.columns().size()];
        Checksums.stream(e, c, "SELECT " + j.selectList(e, false) + " FROM " + e.q(schema, t.name()) + " t0", null, r -> {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.getObject(i + 1);
            }
            sum.add(row);
        });
        return sum.result();
    }
}
