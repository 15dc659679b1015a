package io.tenantroute.proxy.mysql;

import java.util.Optional;

/**
 * Where the MySQL front end finds a user's {@link MySqlUserSecrets}. The shared users-file loader
 * ({@code io.tenantroute.proxy.internal}) supplies plaintext passwords through {@link PasswordSource};
 * {@link #fromPasswords} derives the digests per login, so a changed password file applies to the next login.
 * Implementations must be thread-safe (logins of several event loops call them) and must not block for long:
 * they run on an event loop.
 */
@FunctionalInterface
public interface MySqlCredentials {
    /**
     * @param user the user name a client gave
     * @return the user's secrets, empty when the user is unknown
     */
    Optional<MySqlUserSecrets> secrets(String user);

    /** The plaintext password of a user, as the users file resolves it ({@code env:}/{@code file:} references). */
    @FunctionalInterface
    interface PasswordSource {
        /**
         * @param user the user name
         * @return the plaintext password, empty when the user is unknown
         */
        Optional<String> plaintextPassword(String user);
    }

    /**
     * @param source the plaintext passwords
     * @return credentials that derive the MySQL digests from them on each call
     */
    static MySqlCredentials fromPasswords(PasswordSource source) {
        return user -> source.plaintextPassword(user).map(MySqlUserSecrets::fromPassword);
    }
}
