package io.tenantroute.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Where a target's password comes from: {@code env:NAME} (an environment variable), {@code file:/path} (the
 * file's content, one trailing newline stripped) or none. Only the reference is stored in the tenant map;
 * the password itself is read when a connection pool is created and never kept in a {@code toString()},
 * log line or exception message.
 *
 * <p>Immutable and thread-safe.
 */
public final class PasswordRef {
    /** No password: the JDBC URL or the driver properties provide one, or none is needed. */
    public static final PasswordRef NONE = new PasswordRef(Kind.NONE, "");

    private enum Kind { NONE, ENV, FILE }

    private final Kind kind;
    private final String location;

    private PasswordRef(Kind kind, String location) {
        this.kind = kind;
        this.location = location;
    }

    /**
     * @param ref {@code env:NAME}, {@code file:/path}, or null/empty for none
     * @return the reference
     * @throws IllegalArgumentException for any other form (the message repeats the form, never a secret:
     *     a reference holds a name or a path, not a password)
     */
    public static PasswordRef parse(String ref) {
        if (ref == null || ref.isBlank() || ref.equals("none")) {
            return NONE;
        }
        if (ref.startsWith("env:") && ref.length() > 4) {
            return new PasswordRef(Kind.ENV, ref.substring(4));
        }
        if (ref.startsWith("file:") && ref.length() > 5) {
            return new PasswordRef(Kind.FILE, ref.substring(5));
        }
        throw new IllegalArgumentException("password reference must be env:NAME or file:/path (a reference, not the password itself)");
    }

    /** @return true for {@link #NONE} */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /**
     * Reads the password now.
     *
     * @param targetName the target, for the error message
     * @return the password, or null for {@link #NONE}
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the variable is unset or the file
     *     unreadable; the message names the target and the variable or path, never a value
     */
    public String resolve(String targetName) throws SQLException {
        return resolveFor("target '" + targetName + "'");
    }

    /**
     * Reads the password now, for an owner that is not a target (e.g. a user of the wire proxy's users file).
     *
     * @param owner whose password it is, as the error message should say it: {@code "user 'app'"}
     * @return the password, or null for {@link #NONE}
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the variable is unset or the file
     *     unreadable; the message reads "password of {@code owner}: …" and names the variable or path, never a value
     */
    public String resolveFor(String owner) throws SQLException {
        switch (kind) {
            case ENV: {
                String v = System.getenv(location);
                if (v == null) {
                    throw TenantRouteSqlState.UNKNOWN_TARGET.exception(
                            "password of " + owner + ": environment variable " + location + " is not set");
                }
                return v;
            }
            case FILE:
                try {
                    String v = Files.readString(Path.of(location), StandardCharsets.UTF_8);
                    return v.endsWith("\n") ? v.substring(0, v.length() - (v.endsWith("\r\n") ? 2 : 1)) : v;
                } catch (IOException | RuntimeException e) {
                    throw TenantRouteSqlState.UNKNOWN_TARGET.exception(
                            "password of " + owner + ": cannot read file " + location + " (" + e.getClass().getSimpleName() + ")");
                }
            default:
                return null;
        }
    }

    /** @return the reference as stored: {@code env:NAME}, {@code file:/path} or empty for none; never a password */
    @Override
    public String toString() {
        switch (kind) {
            case ENV: return "env:" + location;
            case FILE: return "file:" + location;
            default: return "";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordRef && ((PasswordRef) o).kind == kind && ((PasswordRef) o).location.equals(location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, location);
    }
}
