package io.tenantroute.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real database server for tests: PostgreSQL or MySQL/MariaDB, found by {@link TestDatabases}.
 * Thread-safe.
 */
public final class TestServer {
    private static final Pattern URL = Pattern.compile("^(jdbc:(?:postgresql|mysql|mariadb)://[^/?]+)/?([^?]*)(\\?.*)?$");

    private final Engine engine;
    private final String base;
    private final String query;
    private final String adminDatabase;
    private final String origin;

    TestServer(Engine engine, String adminUrl, String origin) {
        Matcher m = URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException(engine.envVar() + " must look like " + engine.example());
        }
        this.engine = engine;
        this.base = m.group(1);
        this.adminDatabase = m.group(2).isEmpty() ? (engine == Engine.POSTGRESQL ? "postgres" : "") : m.group(2);
        String q = m.group(3) == null ? "" : m.group(3);
        if (engine == Engine.MYSQL) {
            q = q + (q.isEmpty() ? "?" : "&") + "allowPublicKeyRetrieval=true&useSSL=false&allowMultiQueries=false";
        }
        this.query = q;
        this.origin = origin;
    }

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return where the server came from: the env var, embedded, or Testcontainers */
    public String origin() {
        return origin;
    }

    /** @return the vendor JDBC URL of the admin database */
    public String adminUrl() {
        return urlFor(adminDatabase);
    }

    /**
     * @param database a database name on this server
     * @return its vendor JDBC URL, credentials as query parameters
     */
    public String urlFor(String database) {
        return base + "/" + database + query;
    }

    /** @return a new connection to the admin database */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl());
    }

    /**
     * Creates a database with a unique name.
     *
     * @param prefix a short lower-case word that says which test made it
     * @return the new, empty database
     */
    public TestDatabase createDatabase(String prefix) throws SQLException {
        String name = ("tr_" + prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
        if (name.length() > 60) {
            name = name.substring(0, 60);
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(this, name);
    }

    void drop(String name) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            if (engine == Engine.POSTGRESQL) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } else {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    @Override
    public String toString() {
        return engine + " (" + origin + ")";
    }
}
