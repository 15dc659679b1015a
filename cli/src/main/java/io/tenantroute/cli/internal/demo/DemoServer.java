package io.tenantroute.cli.internal.demo;

import io.tenantroute.config.Target;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server the demo runs on: an embedded one it starts (and stops), or an existing one given by
 * {@code --shared}. Creates the demo's databases with unique names and drops every one of them on
 * {@link #close()}, so nothing is left behind. Used by the demo's main thread; {@link #close()} is idempotent and
 * synchronized so that a shutdown hook (Ctrl-C) may call it too.
 */
public final class DemoServer implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]+)/?([^?]*)(\\?.*)?$");

    private final EmbeddedPostgres embedded;
    private final String base;
    private final String query;
    private final String adminDatabase;
    private final String description;
    private final List<String> created = new ArrayList<>();
    private final long startMillis;
    private boolean closed;

    private DemoServer(EmbeddedPostgres embedded, String adminUrl, String description, long startMillis) {
        Matcher m = URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("--shared must be a jdbc:postgresql://host:port/database URL, was "
                    + Target.maskUrl(adminUrl));
        }
        this.embedded = embedded;
        this.base = m.group(1);
        this.adminDatabase = m.group(2).isEmpty() ? "postgres" : m.group(2);
        this.query = m.group(3) == null ? "" : m.group(3);
        this.description = description;
        this.startMillis = startMillis;
    }

    /**
     * Starts an embedded PostgreSQL (zonky, PostgreSQL 15 binaries) on a free port. Blocks ~1.5–3 s.
     *
     * @return the running server
     * @throws Exception when it cannot start (e.g. a host that forbids user namespaces when run as root)
     */
    public static DemoServer embedded() throws Exception {
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String url = pg.getJdbcUrl("postgres", "postgres");
        return new DemoServer(pg, url, "embedded PostgreSQL on port " + pg.getPort(), ms);
    }

    /**
     * @param adminUrl a {@code jdbc:postgresql:} URL of any database on the server, credentials as parameters
     * @return the server (nothing started)
     * @throws SQLException when it cannot be reached
     */
    public static DemoServer existing(String adminUrl) throws SQLException {
        DemoServer s = new DemoServer(null, adminUrl, "existing PostgreSQL at " + Target.maskUrl(adminUrl), 0);
        try (Connection c = s.admin()) {
            c.isValid(5);
        }
        return s;
    }

    /** @return what the demo runs on, for people (no password) */
    public String description() {
        return description;
    }

    /** @return milliseconds the embedded server took to start; 0 for an existing server */
    public long startMillis() {
        return startMillis;
    }

    /** @return true when this server was started by the demo */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * @param database a database on this server
     * @return its vendor JDBC URL with the server's credentials parameters
     */
    public String urlFor(String database) {
        return base + "/" + database + query;
    }

    /**
     * @param database a database on this server
     * @return its URL for the tenant map: the same as {@link #urlFor} without any password parameter (targets hold
     *     a password reference, never a password; see {@link #passwordFile})
     */
    public String targetUrlFor(String database) {
        String q = query.replaceAll("(?i)([?&])(?:password|pass|pwd)=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return base + "/" + database + q;
    }

    /** @return the server's password from the URL, or null when the URL has none */
    public String password() {
        Matcher m = Pattern.compile("(?i)[?&](?:password|pass|pwd)=([^&]*)").matcher(query);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    /** @return a connection to the admin database (caller closes) */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(urlFor(adminDatabase));
    }

    /** @return a connection to one of the demo's databases (caller closes) */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(urlFor(database));
    }

    /**
     * Creates a database, remembered for dropping on {@link #close()}.
     *
     * @param name a safe identifier ({@code [a-z0-9_]}) the demo made up
     */
    public void createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z0-9_]{1,60}")) {
            throw new IllegalArgumentException("bad database name " + name);
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        created.add(name);
    }

    /** @return the databases this demo created and has not dropped yet */
    public List<String> createdDatabases() {
        return List.copyOf(created);
    }

    /**
     * Drops every database the demo created (forcing off any connection left), then stops the embedded server.
     *
     * @throws SQLException the first failure, after trying everything
     */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        Exception first = null;
        if (embedded == null) {
            for (String db : List.copyOf(created)) {
                try (Connection c = admin(); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                    created.remove(db);
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
        } else {
            try {
                embedded.close();
                created.clear();
            } catch (Exception e) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
