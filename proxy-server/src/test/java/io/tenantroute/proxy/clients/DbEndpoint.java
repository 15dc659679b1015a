package io.tenantroute.proxy.clients;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a client program connects: a real database, or the proxy in front of it. Immutable and thread-safe.
 * {@link #toString()} never shows the password.
 *
 * @param engine   the protocol the program speaks
 * @param host     host name or address
 * @param port     TCP port
 * @param user     user name
 * @param password password, {@code ""} for none
 * @param database database name
 */
public record DbEndpoint(Engine engine, String host, int port, String user, String password, String database) {
    private static final Pattern URL = Pattern.compile("^jdbc:(postgresql|mysql|mariadb)://([^/:?]+)(?::(\\d+))?/([^?]*)(?:\\?(.*))?$");

    public DbEndpoint {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        password = password == null ? "" : password;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
    }

    /**
     * The endpoint of a test database, from its vendor JDBC URL ({@code user} and {@code password} are query
     * parameters there, as {@code TestServer} writes them).
     *
     * @throws IllegalArgumentException when the URL is not {@code jdbc:postgresql|mysql|mariadb://host[:port]/db?…}
     */
    public static DbEndpoint of(TestDatabase db) {
        return parse(db.engine(), db.url());
    }

    /** Parses a vendor JDBC URL; see {@link #of(TestDatabase)}. */
    public static DbEndpoint parse(Engine engine, String jdbcUrl) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql|mysql|mariadb://host[:port]/db URL");
        }
        Map<String, String> q = new LinkedHashMap<>();
        if (m.group(5) != null) {
            for (String kv : m.group(5).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        int port = m.group(3) != null ? Integer.parseInt(m.group(3)) : engine == Engine.POSTGRESQL ? 5432 : 3306;
        String defaultUser = engine == Engine.POSTGRESQL ? "postgres" : "root";
        return new DbEndpoint(engine, m.group(2), port, q.getOrDefault("user", defaultUser), q.getOrDefault("password", ""), m.group(4));
    }

    /** @return the same endpoint on another port (the proxy's listener, say) */
    public DbEndpoint withPort(int newPort) {
        return new DbEndpoint(engine, host, newPort, user, password, database);
    }

    /** @return the same endpoint with another host and port */
    public DbEndpoint withHostPort(String newHost, int newPort) {
        return new DbEndpoint(engine, newHost, newPort, user, password, database);
    }

    /** @return the same endpoint as another user */
    public DbEndpoint withUser(String newUser, String newPassword) {
        return new DbEndpoint(engine, host, port, newUser, newPassword, database);
    }

    /** @return the same endpoint on another database */
    public DbEndpoint withDatabase(String newDatabase) {
        return new DbEndpoint(engine, host, port, user, password, newDatabase);
    }

    /** @return the scripts' connection variables: {@code TR_HOST, TR_PORT, TR_USER, TR_PASSWORD, TR_DATABASE} */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TR_HOST", host);
        env.put("TR_PORT", Integer.toString(port));
        env.put("TR_USER", user);
        env.put("TR_PASSWORD", password);
        env.put("TR_DATABASE", database);
        return env;
    }

    @Override
    public String toString() {
        return engine + " " + user + "@" + host + ":" + port + "/" + database;
    }
}
