package io.tenantroute.proxy.pg;

import io.tenantroute.proxy.internal.UsersFile;
import io.tenantroute.proxy.internal.UsersFileException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the PostgreSQL listener authenticates its clients, for {@link PgFrontendAuthHandler}: either
 * {@link #loopbackOnly()} (no users file: loopback clients are admitted without a password, any other is refused
 * with {@code 28000}) or a set of users with credentials derived once from their passwords ({@link #fromUsers}): SCRAM
 * keys (salt, 4096 iterations, StoredKey, ServerKey) for {@code scram-sha-256}, the {@code md5} hash for {@code md5}.
 * Plaintext passwords are not kept.
 *
 * <p>Immutable and thread-safe: one instance serves every connection of the listener.
 */
public final class PgClientAuth {
    /** Default time a client has to finish authenticating, in ms (PostgreSQL's {@code authentication_timeout}, 1 min). */
    public static final long DEFAULT_AUTHENTICATION_TIMEOUT_MS = 60_000;

    /** One user's derived credentials. Immutable; {@link #toString()} shows name and method only. */
    public static final class User {
        private final String name;
        private final UsersFile.Method method;
        private final ScramCredentials scram;
        private final String md5Hash;

        private User(String name, UsersFile.Method method, ScramCredentials scram, String md5Hash) {
            this.name = name;
            this.method = method;
            this.scram = scram;
            this.md5Hash = md5Hash;
        }

        /**
         * @param password the plaintext password, not empty; SCRAM keys are derived now (one PBKDF2 of 4096 rounds)
         * @return a user authenticated with SCRAM-SHA-256
         */
        public static User scram(String name, String password) {
            return new User(name, UsersFile.Method.SCRAM_SHA_256, ScramCredentials.fromPassword(password), null);
        }

        /** @return a user authenticated with SCRAM-SHA-256 by the given credentials (e.g. a PostgreSQL verifier) */
        public static User scram(String name, ScramCredentials credentials) {
            return new User(name, UsersFile.Method.SCRAM_SHA_256, credentials, null);
        }

        /**
         * @param password the plaintext password, not empty
         * @return a user authenticated with md5
         */
        public static User md5(String name, String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("the password of user '" + name + "' must not be empty");
            }
            return new User(name, UsersFile.Method.MD5, null, PgMd5.hash(name, password));
        }

        /** @return the user name */
        public String name() {
            return name;
        }

        /** @return {@link UsersFile.Method#SCRAM_SHA_256} or {@link UsersFile.Method#MD5} */
        public UsersFile.Method method() {
            return method;
        }

        ScramCredentials scramCredentials() {
            return scram;
        }

        String md5Hash() {
            return md5Hash;
        }

        @Override
        public String toString() {
            return "User(" + name + ", " + method.configName() + ")";
        }
    }

    private final Map<String, User> users;
    private final boolean loopbackOnly;
    private final long authenticationTimeoutMs;
    private final byte[] mockSecret;

    private PgClientAuth(Map<String, User> users, boolean loopbackOnly, long authenticationTimeoutMs, byte[] mockSecret) {
        this.users = users;
        this.loopbackOnly = loopbackOnly;
        this.authenticationTimeoutMs = authenticationTimeoutMs;
        this.mockSecret = mockSecret;
    }

    /** @return no authentication: AuthenticationOk at once for loopback clients, {@code 28000} for any other */
    public static PgClientAuth loopbackOnly() {
        return new PgClientAuth(Collections.emptyMap(), true, DEFAULT_AUTHENTICATION_TIMEOUT_MS, Scram.random(32));
    }

    /**
     * Resolves every password of the file now and derives its credentials (CPU: one PBKDF2 of 4096 rounds per
     * SCRAM user, a few ms each).
     *
     * @param file the users file
     * @return the users; a user without a method gets SCRAM-SHA-256
     * @throws UsersFileException when a password reference does not resolve (the message names user and line)
     */
    public static PgClientAuth fromUsers(UsersFile file) throws UsersFileException {
        Map<String, User> users = new LinkedHashMap<>();
        for (UsersFile.User u : file.users()) {
            String password = u.resolvePassword();
            UsersFile.Method method = u.method().orElse(UsersFile.Method.SCRAM_SHA_256);
            users.put(u.name(), method == UsersFile.Method.MD5 ? User.md5(u.name(), password) : User.scram(u.name(), password));
        }
        return of(users.values());
    }

    /** @return authentication of exactly these users (a name given twice: the last wins) */
    public static PgClientAuth of(Collection<User> users) {
        Map<String, User> m = new LinkedHashMap<>();
        for (User u : users) {
            m.put(u.name(), u);
        }
        return new PgClientAuth(Collections.unmodifiableMap(m), false, DEFAULT_AUTHENTICATION_TIMEOUT_MS, Scram.random(32));
    }

    /**
     * @param timeoutMs time a client has from its StartupMessage to AuthenticationOk, in ms, at least 1
     * @return a copy with that timeout
     */
    public PgClientAuth withAuthenticationTimeoutMs(long timeoutMs) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("authenticationTimeoutMs must be ≥ 1 ms, was " + timeoutMs);
        }
        return new PgClientAuth(users, loopbackOnly, timeoutMs, mockSecret);
    }

    /** @return true for {@link #loopbackOnly()} */
    public boolean isLoopbackOnly() {
        return loopbackOnly;
    }

    /** @return the time a client has to authenticate, in ms */
    public long authenticationTimeoutMs() {
        return authenticationTimeoutMs;
    }

    /** @return the user of that name, if configured */
    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    byte[] mockSecret() {
        return mockSecret;
    }

    @Override
    public String toString() {
        return loopbackOnly ? "PgClientAuth(loopback only, no password)" : "PgClientAuth(" + users.size() + " users)";
    }
}
