package io.tenantroute.proxy.pg;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Where and as whom {@link PgServerConnector} connects: host, port, database, user, a password supplier, the
 * {@link PgSslMode}, an optional root certificate, extra StartupMessage parameters and the connect timeout.
 *
 * <p>Immutable and thread-safe (the password supplier must be too). {@link #toString()} is
 * {@code host:port/database as user (sslmode=…)}: no password, no URL with credentials.
 */
public final class PgServerEndpoint {
    /** PostgreSQL's port. */
    public static final int DEFAULT_PORT = 5432;
    /** Default connect timeout, in ms (pgjdbc's {@code connectTimeout} default: 10 s). */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final Callable<String> password;
    private final PgSslMode sslMode;
    private final Path sslRootCert;
    private final Map<String, String> startupParameters;
    private final long connectTimeoutMs;

    private PgServerEndpoint(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.database = b.database;
        this.user = b.user;
        this.password = b.password;
        this.sslMode = b.sslMode;
        this.sslRootCert = b.sslRootCert;
        this.startupParameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.startupParameters));
        this.connectTimeoutMs = b.connectTimeoutMs;
    }

    /**
     * @param host host name or IP address
     * @param port 1–65535
     * @param database the database name
     * @param user the role to connect as
     * @return a builder with sslmode {@code prefer}, no password, no extra parameters, a 10 s timeout
     * @throws IllegalArgumentException for a blank host, database or user or a port out of range
     */
    public static Builder builder(String host, int port, String database, String user) {
        return new Builder(host, port, database, user);
    }

    /**
     * Reads a pgjdbc URL: {@code jdbc:postgresql://host[:port][,host2[:port2]…]/database?param=value&…}, also
     * {@code jdbc:postgresql:database} and {@code jdbc:postgresql:} (localhost:5432) and {@code [IPv6]:port} hosts.
     * Of a multi-host URL only the first host is used (no failover, no {@code targetServerType}).
     *
     * <p>Parameters honoured: {@code user}, {@code password} (both only when the arguments are null),
     * {@code sslmode} (disable…verify-full), {@code ssl=true} (then the default mode is {@code verify-full}, as in
     * pgjdbc), {@code sslrootcert} (PEM file), {@code ApplicationName} ({@code application_name}), {@code options},
     * {@code currentSchema} (sent as {@code search_path}, as pgjdbc does), {@code connectTimeout} (seconds; 0 = the
     * default here). Others are ignored. Parts are decoded as pgjdbc does ({@code %xx}, and {@code +} is a space).
     *
     * @param jdbcUrl the target's URL
     * @param user the role, or null to take the URL's {@code user}
     * @param password supplies the password (e.g. {@code () -> target.passwordRef().resolve(target.name())}), or null
     *     to take the URL's {@code password}, if any
     * @return the endpoint
     * @throws IllegalArgumentException for a URL that is not {@code jdbc:postgresql:}, a bad port or sslmode, or no
     *     user; the message names the host, never the URL's credentials
     */
    public static PgServerEndpoint fromJdbcUrl(String jdbcUrl, String user, Callable<String> password) {
        String prefix = "jdbc:postgresql:";
        if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("not a jdbc:postgresql: URL");
        }
        String rest = jdbcUrl.substring(prefix.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String host = "localhost";
        int port = DEFAULT_PORT;
        String database;
        if (rest.startsWith("//")) {
            String authorityAndPath = rest.substring(2);
            int slash = authorityAndPath.indexOf('/');
            String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
            database = slash < 0 ? "" : authorityAndPath.substring(slash + 1);
            String first = authority.split(",", -1)[0];
            if (!first.isEmpty()) {
                String portText = null;
                if (first.startsWith("[")) {
                    int close = first.indexOf(']');
                    if (close < 0) {
                        throw new IllegalArgumentException("invalid jdbc:postgresql URL: unclosed [ in an IPv6 host");
                    }
                    host = first.substring(1, close);
                    if (close + 1 < first.length()) {
                        if (first.charAt(close + 1) != ':') {
                            throw new IllegalArgumentException("invalid jdbc:postgresql URL: expected :port after [" + host + "]");
                        }
                        portText = first.substring(close + 2);
                    }
                } else {
                    int colon = first.lastIndexOf(':');
                    host = colon < 0 ? first : first.substring(0, colon);
                    portText = colon < 0 ? null : first.substring(colon + 1);
                }
                if (portText != null && !portText.isEmpty()) {
                    try {
                        port = Integer.parseInt(portText);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid jdbc:postgresql URL: port of host " + host + " is not a number");
                    }
                }
            }
        } else {
            database = rest;
        }
        database = decode(database);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        String u = user != null ? user : params.get("user");
        if (u == null || u.isEmpty()) {
            throw new IllegalArgumentException("no user for the server at " + host + ":" + port + " (neither given nor in the URL)");
        }
        if (database.isEmpty()) {
            database = u; // as PostgreSQL: the database defaults to the user name
        }
        Callable<String> pw = password;
        if (pw == null && params.containsKey("password")) {
            String fromUrl = params.get("password");
            pw = () -> fromUrl;
        }
        Builder b = builder(host, port, database, u).password(pw);
        if (params.containsKey("sslmode")) {
            b.sslMode(PgSslMode.parse(params.get("sslmode")));
        } else if ("true".equalsIgnoreCase(params.get("ssl"))) {
            b.sslMode(PgSslMode.VERIFY_FULL);
        }
        if (params.get("sslrootcert") != null && !params.get("sslrootcert").isEmpty()) {
            b.sslRootCert(Path.of(params.get("sslrootcert")));
        }
        if (params.get("ApplicationName") != null) {
            b.startupParameter("application_name", params.get("ApplicationName"));
        }
        if (params.get("options") != null) {
            b.startupParameter("options", params.get("options"));
        }
        if (params.get("currentSchema") != null) {
            b.startupParameter("search_path", params.get("currentSchema"));
        }
        if (params.get("connectTimeout") != null) {
            try {
                long seconds = Long.parseLong(params.get("connectTimeout"));
                if (seconds > 0) {
                    b.connectTimeoutMs(seconds * 1000);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid jdbc:postgresql URL: connectTimeout of host " + host + " is not a number of seconds");
            }
        }
        return b.build();
    }

    /** As pgjdbc decodes URL parts ({@code URLDecoder}: {@code %xx} and {@code +} as a space), so a URL means the same in both. */
    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** @return the host name or address */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the database */
    public String database() {
        return database;
    }

    /** @return the role */
    public String user() {
        return user;
    }

    /** @return the password supplier, or null when the endpoint has none */
    public Callable<String> password() {
        return password;
    }

    /** @return the sslmode */
    public PgSslMode sslMode() {
        return sslMode;
    }

    /** @return the PEM file of trusted roots for verify-ca/verify-full, or null for the JDK's trust store */
    public Path sslRootCert() {
        return sslRootCert;
    }

    /** @return StartupMessage parameters besides {@code user} and {@code database}, in order, unmodifiable */
    public Map<String, String> startupParameters() {
        return startupParameters;
    }

    /** @return the time from starting to connect until ReadyForQuery, in ms */
    public long connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** @return {@code host:port/database as user (sslmode=…)} */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/" + database + " as " + user
                + " (sslmode=" + sslMode.urlName() + ")";
    }

    /** Builds a {@link PgServerEndpoint}; not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final String database;
        private final String user;
        private Callable<String> password;
        private PgSslMode sslMode = PgSslMode.PREFER;
        private Path sslRootCert;
        private final Map<String, String> startupParameters = new LinkedHashMap<>();
        private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;

        private Builder(String host, int port, String database, String user) {
            if (host == null || host.isBlank() || database == null || database.isBlank() || user == null || user.isBlank()) {
                throw new IllegalArgumentException("host, database and user must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
            }
            this.host = host;
            this.port = port;
            this.database = database;
            this.user = user;
        }

        /** @param password called on the event loop whenever the server asks for a password; null for none */
        public Builder password(Callable<String> password) {
            this.password = password;
            return this;
        }

        /** @param mode the sslmode, default {@link PgSslMode#PREFER} */
        public Builder sslMode(PgSslMode mode) {
            this.sslMode = Objects.requireNonNull(mode);
            return this;
        }

        /** @param pemFile trusted roots for verify-ca/verify-full, or null for the JDK's trust store */
        public Builder sslRootCert(Path pemFile) {
            this.sslRootCert = pemFile;
            return this;
        }

        /**
         * @param name a run-time parameter, e.g. {@code application_name}, {@code client_encoding}, {@code options};
         *     not {@code user} or {@code database}
         * @param value its value
         */
        public Builder startupParameter(String name, String value) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("user") || n.equals("database") || name.isEmpty()) {
                throw new IllegalArgumentException("user and database are set by the endpoint, not as startup parameters");
            }
            startupParameters.put(name, Objects.requireNonNull(value));
            return this;
        }

        /** @param ms connect-to-ReadyForQuery timeout in ms, at least 1 */
        public Builder connectTimeoutMs(long ms) {
            if (ms < 1) {
                throw new IllegalArgumentException("connectTimeoutMs must be ≥ 1 ms, was " + ms);
            }
            this.connectTimeoutMs = ms;
            return this;
        }

        /** @return the endpoint */
        public PgServerEndpoint build() {
            return new PgServerEndpoint(this);
        }
    }
}
