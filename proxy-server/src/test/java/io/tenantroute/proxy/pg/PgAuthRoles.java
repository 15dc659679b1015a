package io.tenantroute.proxy.pg;

import io.tenantroute.testsupport.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Login roles with passwords on the shared test PostgreSQL, for tests of md5, SCRAM-SHA-256 and cleartext
 * authentication to a server that otherwise trusts every loopback client.
 *
 * <p>Each role is a member of a group role ({@code tr_auth_scram}, {@code tr_auth_md5}, {@code tr_auth_password}, made
 * when missing), and pg_hba.conf gets, before its trust lines, one rule per group:
 * {@code host all +tr_auth_scram 127.0.0.1/32 scram-sha-256} and so on ("+" matches members of the role). The rules are
 * checked in {@code pg_hba_file_rules}; when they are missing and {@code SHOW hba_file} is writable (root here and in CI)
 * they are inserted at the top of the file, keeping its owner and mode, and the configuration reloaded; otherwise the
 * test fails with the lines to add. Only members of these groups are affected: every other client keeps its rules.
 * Roles are named {@code tr_auth_<method>_<random>} and dropped by {@link Role#close()}.
 */
final class PgAuthRoles {
    static final String MARKER = "# TenantRoute tests (proxy-server PgAuthRoles): members of these groups authenticate with a password";
    private static boolean ready;

    private PgAuthRoles() {
    }

    /** The methods, by the group's suffix and pg_hba.conf's method name. */
    enum Method {
        SCRAM("scram", "scram-sha-256"), MD5("md5", "md5"), PASSWORD("password", "password");

        final String group;
        final String hbaMethod;

        Method(String suffix, String hbaMethod) {
            this.group = "tr_auth_" + suffix;
            this.hbaMethod = hbaMethod;
        }

        String hbaLine() {
            return "host all +" + group + " 127.0.0.1/32 " + hbaMethod;
        }
    }

    /** A login role with a password, dropped on close. */
    static final class Role implements AutoCloseable {
        final TestServer server;
        final String name;
        final String password;

        Role(TestServer server, String name, String password) {
            this.server = server;
            this.name = name;
            this.password = password;
        }

        /** @return pg_authid.rolpassword of the role (md5… or SCRAM-SHA-256$…) */
        String storedPassword() throws SQLException {
            try (Connection c = server.admin(); PreparedStatement p = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = server.admin(); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS " + name);
            }
        }
    }

    /**
     * Creates a login role for {@code method} with a random ASCII password.
     */
    static Role create(TestServer server, Method method) throws Exception {
        return create(server, method, "pw-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
    }

    /**
     * @param password the role's password (no single quote); for SCRAM PostgreSQL stores SASLprep(password)'s keys
     */
    static Role create(TestServer server, Method method, String password) throws Exception {
        if (password.indexOf('\'') >= 0) {
            throw new IllegalArgumentException("test passwords have no quote");
        }
        ensureRules(server);
        String name = method.group + "_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            // md5 must be chosen per session before CREATE ROLE … PASSWORD (PostgreSQL 15 still accepts md5, with a
            // deprecation only from 18 on); SCRAM and cleartext roles use the default, scram-sha-256.
            s.execute("SET password_encryption = '" + (method == Method.MD5 ? "md5" : "scram-sha-256") + "'");
            s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "' IN ROLE " + method.group);
        }
        return new Role(server, name, password);
    }

    static synchronized void ensureRules(TestServer server) throws Exception {
        if (ready) {
            return;
        }
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            for (Method m : Method.values()) {
                try {
                    s.execute("CREATE ROLE " + m.group + " NOLOGIN");
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) { // duplicate_object: made by an earlier run
                        throw e;
                    }
                }
            }
            String hbaFile;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            if (!rulesInPlace(c)) {
                Path file = Path.of(hbaFile);
                if (!Files.isWritable(file)) {
                    throw new IllegalStateException("The auth tests need these lines at the top of " + hbaFile
                            + " (before any trust rule), then SELECT pg_reload_conf():\n" + block()
                            + "\nThe file is not writable by this user, so the test cannot add them itself.");
                }
                insertAtTop(file);
                s.execute("SELECT pg_reload_conf()");
                if (!rulesInPlace(c)) {
                    throw new IllegalStateException("added the auth rules to " + hbaFile
                            + " but pg_hba_file_rules does not show them before the trust lines; check the file:\n" + block());
                }
            }
        }
        awaitReload(server);
        ready = true;
    }

    private static String block() {
        StringBuilder b = new StringBuilder(MARKER).append('\n');
        for (Method m : Method.values()) {
            b.append(m.hbaLine()).append('\n');
        }
        return b.toString();
    }

    /** @return true when each group's rule is in the file before the first rule that could match 127.0.0.1 by trust */
    private static boolean rulesInPlace(Connection c) throws SQLException {
        List<String[]> rules = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT line_number, type, array_to_string(database, ','), array_to_string(user_name, ','),"
                     + " coalesce(address, ''), auth_method, coalesce(error, '') FROM pg_hba_file_rules ORDER BY line_number")) {
            while (rs.next()) {
                rules.add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)});
            }
        }
        for (Method m : Method.values()) {
            boolean found = false;
            for (String[] r : rules) {
                if (r[0].equals("host") && r[2].equals("+" + m.group) && r[3].equals("127.0.0.1") && r[4].equals(m.hbaMethod)
                        && r[5].isEmpty()) {
                    found = true;
                    break;
                }
                if (r[0].startsWith("host") && r[4].equals("trust")) {
                    break; // a trust rule comes first: ours would never be reached
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static void insertAtTop(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.contains(MARKER)) {
            // An earlier run's block, perhaps out of date: replace it.
            int start = text.indexOf(MARKER);
            int end = start;
            for (int i = 0; i <= Method.values().length; i++) {
                int nl = text.indexOf('\n', end);
                end = nl < 0 ? text.length() : nl + 1;
            }
            text = text.substring(0, start) + text.substring(end);
        }
        // Written in place (not replaced by a new file) so the owner (postgres) and mode stay.
        Files.writeString(file, block() + text, StandardCharsets.UTF_8);
    }

    /** Waits until the postmaster applies the reloaded rules: a probe role's password is asked for. */
    private static void awaitReload(TestServer server) throws Exception {
        String name = Method.SCRAM.group + "_probe_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN PASSWORD 'probe-pw' IN ROLE " + Method.SCRAM.group);
        }
        try {
            String url = server.urlFor("postgres").replaceFirst("\\?.*$", "");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                Properties p = new Properties();
                p.setProperty("user", name);
                p.setProperty("password", "wrong-pw");
                try (Connection c = DriverManager.getConnection(url.replace("localhost", "127.0.0.1"), p)) {
                    // still trusted: the reload has not reached the postmaster yet
                } catch (SQLException e) {
                    if ("28P01".equals(e.getSQLState())) {
                        return;
                    }
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("pg_hba.conf rules for " + Method.SCRAM.group + " are in the file but not in effect after 10 s");
                }
                Thread.sleep(50);
            }
        } finally {
            try (Connection c = server.admin(); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS " + name);
            }
        }
    }
}
