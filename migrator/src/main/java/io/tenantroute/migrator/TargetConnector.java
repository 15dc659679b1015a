package io.tenantroute.migrator;

import io.tenantroute.config.Target;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to a target (source or destination of a move). The default resolves the target's
 * password reference and uses {@link DriverManager}; MySQL connections get {@code rewriteBatchedStatements=true}
 * so batched inserts go as multi-row statements, and {@code allowLoadLocalInfileInPath} set to an empty private
 * directory so the copier can stream {@code LOAD DATA LOCAL INFILE} (Connector/J only sends the stream it is given;
 * no file of this host can be read). A custom connector without one of Connector/J's local-infile properties
 * makes the MySQL copy fall back to batched inserts. Implementations must be thread-safe.
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
                // Connector/J advertises local files to the server only with one of its two properties; the path
                // form keeps a server from pulling any file of this host (the directory is empty) while the
                // copier's LOAD DATA LOCAL INFILE streams its rows (enabled per statement, see Copier).
                String none = io.tenantroute.migrator.internal.NoLocalFiles.dir();
                if (none != null) {
                    p.setProperty("allowLoadLocalInfileInPath", none);
                }
            }
            return DriverManager.getConnection(target.jdbcUrl(), p);
        };
    }
}
