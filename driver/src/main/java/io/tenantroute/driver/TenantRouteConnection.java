package io.tenantroute.driver;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a {@code jdbc:tenantroute:} connection tells about its routing. Obtain it with
 * {@code connection.unwrap(TenantRouteConnection.class)} (also through HikariCP or any pool in front).
 *
 * <p>Thread-safety follows the connection's: use it from the thread that uses the connection.
 */
public interface TenantRouteConnection extends Connection {

    /**
     * @return the tenant the next statement would run for (all sources, in precedence order, without SQL
     *     inference), or null when none → {@code shared}
     */
    String tenant();

    /** @return the name of the target the last statement ran on, or null before the first statement */
    String lastTarget();

    /** @return the version of the route the last statement used (0 for {@code shared} / an implicit route), or -1 before the first */
    long lastRouteVersion();

    /**
     * @return the name of the target the current transaction is pinned to, or null when no physical connection is held
     * @throws SQLException when the connection is closed
     */
    String currentTarget() throws SQLException;
}
