package io.tenantroute.driver.internal;

import java.sql.SQLException;
import java.sql.Wrapper;

/** Shared {@code unwrap}/{@code isWrapperFor} of every logical JDBC object: this object first, then the physical one. */
abstract class JdbcWrapper implements Wrapper {

    /** @return the physical object this one stands for; may throw when there is none right now */
    protected abstract Object wrapped() throws SQLException;

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Object w = wrapped();
        if (iface.isInstance(w)) {
            return iface.cast(w);
        }
        if (w instanceof Wrapper) {
            return ((Wrapper) w).unwrap(iface);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Object w = wrapped();
        return iface.isInstance(w) || (w instanceof Wrapper && ((Wrapper) w).isWrapperFor(iface));
    }
}
