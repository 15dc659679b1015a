package io.tenantroute.driver.internal;

import io.tenantroute.routing.SetTenantParser;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A logical {@link PreparedStatement}: remembers its SQL, settings and bound parameters (and batches) and
 * re-prepares on whichever physical connection the transaction uses, replaying the parameters. Stream and
 * reader parameters can be replayed only if the physical statement does not change before they are read.
 * Not thread-safe.
 */
class LogicalPreparedStatement extends RecordingPreparedStatementSetters implements PreparedStatement {
    final String sql;
    private final boolean call;
    private final TreeMap<Integer, Binder> params = new TreeMap<>();
    private final TreeMap<Integer, Object> values = new TreeMap<>();
    final LinkedHashMap<String, Binder> extra = new LinkedHashMap<>();
    private final List<Map<Integer, Binder>> batches = new ArrayList<>();
    private final List<Map<Integer, Object>> batchValues = new ArrayList<>();
    private final boolean tenantStatement;

    LogicalPreparedStatement(LogicalConnection connection, StatementSettings settings, String sql, boolean call) throws SQLException {
        super(connection, settings);
        this.sql = sql;
        this.call = call;
        SetTenantParser.SetTenant st;
        try {
            st = SetTenantParser.parse(sql);
        } catch (IllegalArgumentException e) {
            throw new java.sql.SQLSyntaxErrorException(e.getMessage(), "42601");
        }
        this.tenantStatement = st != null;
    }

    @Override
    protected void bind(int index, Object value, Binder binder) throws SQLException {
        checkOpen();
        params.put(index, binder);
        values.put(index, value);
    }

    /** The bound values for tenant inference: the i-th {@code ?} (0-based). */
    IntFunction<Object> parameterValues() {
        return i -> values.get(i + 1);
    }

    @Override
    Statement physicalFor(Connection c) throws SQLException {
        if (physical == null || physicalConn != c || physical.isClosed()) {
            physical = settings.prepare(c, sql, call);
            physicalConn = c;
        }
        return physical;
    }

    private PreparedStatement ready(Connection c) throws SQLException {
        PreparedStatement ps = (PreparedStatement) physicalFor(c);
        for (Binder b : params.values()) {
            b.bind(ps);
        }
        for (Binder b : extra.values()) {
            b.bind(ps);
        }
        return ps;
    }

    private boolean tenantSql() throws SQLException {
        if (tenantStatement) {
            begin(sql);
            return true;
        }
        return begin(null);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        if (tenantSql()) {
            throw new SQLException("the tenant statement returns no result set; use execute or executeUpdate", "07000");
        }
        ResultSet rs = conn.run(sql, parameterValues(), c -> ready(c).executeQuery());
        LogicalResultSet l = wrap(rs);
        setCurrent(l);
        conn.afterStatement(call);
        return l;
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) executeLargeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        if (tenantSql()) {
            return 0;
        }
        long n = conn.run(sql, parameterValues(), c -> ready(c).executeLargeUpdate());
        setUpdateCount(n);
        conn.afterStatement(call || settings.wantsKeys());
        return n;
    }

    @Override
    public boolean execute() throws SQLException {
        if (tenantSql()) {
            return false;
        }
        boolean rs = conn.run(sql, parameterValues(), c -> ready(c).execute());
        return finish(rs, true);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        if (tenantStatement) {
            throw new java.sql.SQLFeatureNotSupportedException("the tenant statement cannot be batched; execute it on its own");
        }
        batches.add(new TreeMap<>(params));
        batchValues.add(new TreeMap<>(values));
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batches.clear();
        batchValues.clear();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        begin(null);
        if (batches.isEmpty()) {
            return new long[0];
        }
        List<Map<Integer, Binder>> rows = new ArrayList<>(batches);
        List<IntFunction<Object>> rowValues = new ArrayList<>(batchValues.size());
        for (Map<Integer, Object> v : batchValues) {
            rowValues.add(i -> v.get(i + 1));
        }
        batches.clear();
        batchValues.clear();
        IntFunction<Object> routeBy = rowValues.get(conn.batchRoutingRow(
                java.util.Collections.nCopies(rowValues.size(), sql), rowValues));
        long[] r = conn.run(sql, routeBy, c -> {
            PreparedStatement ps = (PreparedStatement) physicalFor(c);
            ps.clearBatch();
            for (Map<Integer, Binder> row : rows) {
                ps.clearParameters();
                for (Binder b : row.values()) {
                    b.bind(ps);
                }
                ps.addBatch();
            }
            return ps.executeLargeBatch();
        });
        conn.afterStatement(settings.wantsKeys());
        return r;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] r = executeLargeBatch();
        int[] n = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            n[i] = (int) r[i];
        }
        return n;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        params.clear();
        values.clear();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        if (attached()) {
            return ((PreparedStatement) physical).getMetaData();
        }
        ResultSetMetaData md = conn.run(sql, parameterValues(), c -> ((PreparedStatement) physicalFor(c)).getMetaData());
        conn.afterStatement(true);
        return md;
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        if (attached()) {
            return ((PreparedStatement) physical).getParameterMetaData();
        }
        ParameterMetaData md = conn.run(sql, parameterValues(), c -> ((PreparedStatement) physicalFor(c)).getParameterMetaData());
        conn.afterStatement(true);
        return md;
    }

    // Statement's SQL-text methods are not for prepared statements (JDBC: SQLException).
    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw new SQLException("executeQuery(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw new SQLException("executeUpdate(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw new SQLException("execute(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw new SQLException("addBatch(String) cannot be called on a PreparedStatement", "HY000");
    }
}
