package io.tenantroute.proxy.mysql;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where and as whom {@link MySqlServerConnector} connects: one MySQL/MariaDB server. Immutable;
 * {@link #toString()} never shows the password.
 *
 * @param host the server's host name or address
 * @param port the TCP port, 1–65535
 * @param database the database to select at connect (CLIENT_CONNECT_WITH_DB), null for none
 * @param user the user name
 * @param password supplies the password each time a connection authenticates (may resolve an {@code env:} or
 *     {@code file:} reference); returns "" for none. Called on the event loop: it must not block for long.
 * @param tlsMode TLS to the server
 * @param connectAttributes connection attributes to send (CLIENT_CONNECT_ATTRS), empty for none
 * @param allowPublicKeyRetrieval whether caching_sha2_password full authentication without TLS may ask the
 *     server for its RSA key (Connector/J's option of the same name; the key could come from a man in the
 *     middle, hence off by default)
 * @param serverRsaPublicKey the server's RSA key known in advance (Connector/J {@code serverRsaPublicKeyFile}),
 *     null when unknown
 */
public record MySqlServerEndpoint(String host, int port, String database, String user, Supplier<String> password,
        MySqlTlsMode tlsMode, Map<String, String> connectAttributes, boolean allowPublicKeyRetrieval,
        RSAPublicKey serverRsaPublicKey) {
    /** MySQL's default port. */
    public static final int DEFAULT_PORT = 3306;

    public MySqlServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tlsMode, "tlsMode");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1–65535, was " + port);
        }
        database = database == null || database.isEmpty() ? null : database;
        connectAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
    }

    /**
     * An endpoint without TLS, attributes or key retrieval.
     *
     * @param host the host
     * @param port the port
     * @param database the database, or null
     * @param user the user
     * @param password the password ("" for none)
     * @return the endpoint
     */
    public static MySqlServerEndpoint of(String host, int port, String database, String user, String password) {
        String pw = password == null ? "" : password;
        return new MySqlServerEndpoint(host, port, database, user, () -> pw, MySqlTlsMode.DISABLED, Map.of(), false, null);
    }

    /** @return a copy with other connection attributes */
    public MySqlServerEndpoint withConnectAttributes(Map<String, String> attrs) {
        return new MySqlServerEndpoint(host, port, database, user, password, tlsMode, attrs, allowPublicKeyRetrieval,
                serverRsaPublicKey);
    }

    /** @return a copy with another TLS mode */
    public MySqlServerEndpoint withTlsMode(MySqlTlsMode mode) {
        return new MySqlServerEndpoint(host, port, database, user, password, mode, connectAttributes,
                allowPublicKeyRetrieval, serverRsaPublicKey);
    }

    /** @return a copy with another database (null for none) */
    public MySqlServerEndpoint withDatabase(String db) {
        return new MySqlServerEndpoint(host, port, db, user, password, tlsMode, connectAttributes,
                allowPublicKeyRetrieval, serverRsaPublicKey);
    }

    /** @return a copy with RSA key retrieval allowed or not, and a known key (or null) */
    public MySqlServerEndpoint withRsaKey(boolean allowRetrieval, RSAPublicKey key) {
        return new MySqlServerEndpoint(host, port, database, user, password, tlsMode, connectAttributes,
                allowRetrieval, key);
    }

    /**
     * {@link #fromJdbcUrl(String, String, Supplier)} with a fixed password.
     *
     * @param jdbcUrl the URL
     * @param user the user, or null to take the URL's
     * @param password the password, or null to take the URL's
     * @return the endpoint
     * @throws IllegalArgumentException as the other overload
     */
    public static MySqlServerEndpoint fromJdbcUrl(String jdbcUrl, String user, String password) {
        return fromJdbcUrl(jdbcUrl, user, password == null ? null : () -> password);
    }

    /**
     * Reads a Connector/J ({@code jdbc:mysql://host[:port][/db][?k=v&…]}) or MariaDB Connector/J
     * ({@code jdbc:mariadb://…}) URL. With several hosts (failover lists) the first is used; IPv6 hosts go in
     * brackets. Understood parameters: {@code user}, {@code password}; TLS — Connector/J {@code sslMode}
     * (DISABLED…VERIFY_IDENTITY, default PREFERRED as Connector/J 8), {@code useSSL=false} (DISABLED),
     * {@code requireSSL}, {@code verifyServerCertificate}; MariaDB {@code sslMode} (disable, trust, verify-ca,
     * verify-full; default disable as MariaDB Connector/J), {@code useSsl}/{@code useSSL},
     * {@code trustServerCertificate}; {@code allowPublicKeyRetrieval}, {@code serverRsaPublicKeyFile};
     * {@code connectionAttributes=k1:v1,k2:v2}. Others are ignored (they tune the JDBC driver, not the wire).
     *
     * @param jdbcUrl the URL
     * @param user the user, or null to take the URL's {@code user}
     * @param password the password supplier, or null to take the URL's {@code password} ("" when absent)
     * @return the endpoint
     * @throws IllegalArgumentException when the URL is not a {@code jdbc:mysql:}/{@code jdbc:mariadb:} URL, has no
     *     user, a bad port, an unknown sslMode or an unreadable RSA key file; the message never holds the password
     */
    public static MySqlServerEndpoint fromJdbcUrl(String jdbcUrl, String user, Supplier<String> password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        boolean mariadb;
        String rest;
        if (jdbcUrl.startsWith("jdbc:mysql://")) {
            mariadb = false;
            rest = jdbcUrl.substring("jdbc:mysql://".length());
        } else if (jdbcUrl.startsWith("jdbc:mariadb://")) {
            mariadb = true;
            rest = jdbcUrl.substring("jdbc:mariadb://".length());
        } else {
            throw new IllegalArgumentException("not a jdbc:mysql:// or jdbc:mariadb:// URL: " + redact(jdbcUrl));
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String hosts = rest;
        String database = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hosts = rest.substring(0, slash);
            database = decode(rest.substring(slash + 1));
        }
        String first = hosts.split(",", -1)[0];
        String host;
        int port = DEFAULT_PORT;
        if (first.startsWith("[")) {
            int close = first.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed IPv6 bracket in " + redact(jdbcUrl));
            }
            host = first.substring(1, close);
            if (first.length() > close + 1) {
                port = port(first.substring(close + 2), jdbcUrl);
            }
        } else {
            int colon = first.lastIndexOf(':');
            host = colon >= 0 ? first.substring(0, colon) : first;
            if (colon >= 0) {
                port = port(first.substring(colon + 1), jdbcUrl);
            }
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            params.put(decode(eq < 0 ? kv : kv.substring(0, eq)), eq < 0 ? "" : decode(kv.substring(eq + 1)));
        }
        String u = user != null ? user : params.get("user");
        if (u == null || u.isEmpty()) {
            throw new IllegalArgumentException("no user for " + redact(jdbcUrl));
        }
        Supplier<String> pw = password;
        if (pw == null) {
            String p = params.getOrDefault("password", "");
            pw = () -> p;
        }
        MySqlTlsMode tls = mariadb ? mariaDbTls(params, jdbcUrl) : connectorJTls(params, jdbcUrl);
        Map<String, String> attrs = new LinkedHashMap<>();
        String ca = params.get("connectionAttributes");
        if (ca != null && !ca.isEmpty() && !ca.equalsIgnoreCase("none")) {
            for (String pair : ca.split(",")) {
                int c = pair.indexOf(':');
                if (c > 0) {
                    attrs.put(pair.substring(0, c), pair.substring(c + 1));
                }
            }
        }
        RSAPublicKey key = null;
        String keyFile = params.get("serverRsaPublicKeyFile");
        if (keyFile != null && !keyFile.isEmpty()) {
            try {
                key = CachingSha2Password.parsePublicKey(Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("serverRsaPublicKeyFile " + keyFile + " is not a readable PEM RSA public key: " + e.getMessage(), e);
            }
        }
        return new MySqlServerEndpoint(host, port, database, u, pw, tls, attrs,
                Boolean.parseBoolean(params.getOrDefault("allowPublicKeyRetrieval", "false")), key);
    }

    private static MySqlTlsMode connectorJTls(Map<String, String> p, String url) {
        String mode = p.get("sslMode");
        if (mode != null) {
            try {
                return MySqlTlsMode.valueOf(mode.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sslMode must be one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA,"
                        + " VERIFY_IDENTITY, was " + mode + " in " + redact(url));
            }
        }
        String useSsl = p.get("useSSL");
        if (useSsl != null && !Boolean.parseBoolean(useSsl)) {
            return MySqlTlsMode.DISABLED;
        }
        if (Boolean.parseBoolean(p.getOrDefault("verifyServerCertificate", "false"))) {
            return MySqlTlsMode.VERIFY_CA;
        }
        if (Boolean.parseBoolean(p.getOrDefault("requireSSL", "false"))) {
            return MySqlTlsMode.REQUIRED;
        }
        return MySqlTlsMode.PREFERRED;
    }

    private static MySqlTlsMode mariaDbTls(Map<String, String> p, String url) {
        String mode = p.get("sslMode");
        if (mode != null) {
            switch (mode.toLowerCase(Locale.ROOT)) {
                case "disable": case "disabled": return MySqlTlsMode.DISABLED;
                case "trust": return MySqlTlsMode.REQUIRED;
                case "verify-ca": return MySqlTlsMode.VERIFY_CA;
                case "verify-full": return MySqlTlsMode.VERIFY_IDENTITY;
                default:
                    throw new IllegalArgumentException("sslMode must be one of disable, trust, verify-ca, verify-full,"
                            + " was " + mode + " in " + redact(url));
            }
        }
        String useSsl = p.containsKey("useSsl") ? p.get("useSsl") : p.get("useSSL");
        if (useSsl != null && Boolean.parseBoolean(useSsl)) {
            return Boolean.parseBoolean(p.getOrDefault("trustServerCertificate", "false"))
                    ? MySqlTlsMode.REQUIRED : MySqlTlsMode.VERIFY_IDENTITY;
        }
        return MySqlTlsMode.DISABLED;
    }

    private static int port(String s, String url) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("port must be 1–65535, was '" + s + "' in " + redact(url));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** @return the URL with any {@code password=} parameter's value replaced by {@code ***} */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return "MySqlServerEndpoint[" + host + ":" + port + (database == null ? "" : "/" + database) + ", user=" + user
                + ", tls=" + tlsMode + (connectAttributes.isEmpty() ? "" : ", connectAttributes=" + connectAttributes)
                + "]";
    }

    /** @return "host:port" — for messages */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
