package io.tenantroute.migrator;

import io.tenantroute.config.Target;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to a target (source or destination of a move). The default resolves the target's
 * password reference and uses {@link DriverManager}; MySQL connections get {@code rewriteBatchedStatements=true}
 * so batched inserts go as multi-row statements. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TargetConnector {
    /**
     * @param target the target
     * @return a new connection (the caller closes it), autocommit on
     * @throws SQLException from the vendor driver, or {@code TR005} when the password reference cannot be read
     */
    Connection open(Target target) throws SQLException;

    /** @return the default connector (DriverManager, user and password from the target) */
    static TargetConnector direct() {
        return target -> {
            Properties p = new Properties();
            if (target.user() != null) {
                p.setProperty("user", target.user());
            }
            String pw = target.passwordRef().resolve(target.name());
            if (pw != null) {
                p.setProperty("password", pw);
            }
            if (!target.jdbcUrl().startsWith("jdbc:postgresql:")) {
                p.setProperty("rewriteBatchedStatements", "true");
            }
            return DriverManager.getConnection(target.jdbcUrl(), p);
        };
    }
}
