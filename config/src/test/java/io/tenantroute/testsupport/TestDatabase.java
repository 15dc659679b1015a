package io.tenantroute.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh database with a unique name on a {@link TestServer}, dropped by {@link #close()}. Tests running
 * at the same time (other modules, other developers' builds) never see each other's databases.
 */
public final class TestDatabase implements AutoCloseable {
    private final TestServer server;
    private final String name;

    TestDatabase(TestServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** @return the database name (lower case, {@code [a-z0-9_]}) */
    public String name() {
        return name;
    }

    /** @return the server */
    public TestServer server() {
        return server;
    }

    /** @return the engine */
    public Engine engine() {
        return server.engine();
    }

    /** @return the vendor JDBC URL of this database, credentials as query parameters */
    public String url() {
        return server.urlFor(name);
    }

    /** @return the {@code jdbc:tenantroute:} URL of this database */
    public String tenantRouteUrl() {
        return "jdbc:tenantroute:" + url().substring("jdbc:".length());
    }

    /** @return a new connection to this database (caller closes) */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** Runs statements on this database, each in autocommit. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Drops the database. */
    @Override
    public void close() throws SQLException {
        server.drop(name);
    }

    @Override
    public String toString() {
        return server.engine() + " database " + name;
    }
}
