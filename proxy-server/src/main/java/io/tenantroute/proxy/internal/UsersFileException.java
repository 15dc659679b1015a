package io.tenantroute.proxy.internal;

/**
 * The users file ({@code --users FILE}) cannot be used: unreadable, not valid YAML, a literal password, a duplicate
 * or missing name, an unknown method, or a password reference that does not resolve. The message names the file, the
 * line and the user, never a password.
 */
public final class UsersFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message names file, line and user; never a password */
    public UsersFileException(String message) {
        super(message);
    }

    /**
     * @param message names file, line and user; never a password
     * @param cause the underlying failure (its message is not repeated)
     */
    public UsersFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
