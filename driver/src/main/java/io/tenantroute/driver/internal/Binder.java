package io.tenantroute.driver.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One recorded call on a physical prepared statement (a parameter, an out-parameter registration), replayed on re-prepare. */
@FunctionalInterface
interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
}
