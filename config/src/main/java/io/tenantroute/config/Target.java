package io.tenantroute.config;

import java.util.Objects;

/**
 * A named database that tenants can be routed to.
 *
 * <p>The target named {@link #SHARED} is the database of the driver URL itself unless the map defines it.
 * {@code jdbcUrl} is a vendor URL ({@code jdbc:postgresql:…}, {@code jdbc:mysql:…}, {@code jdbc:mariadb:…});
 * it must not carry a password (use {@code passwordRef}). {@link #toString()} shows the URL with any
 * {@code password=} parameter and any {@code user:password@} part masked.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the target name, 1–63 characters
 * @param jdbcUrl the vendor JDBC URL
 * @param user the user name, or null to use the URL's / the connection's own
 * @param passwordRef where the password comes from, never null (use {@link PasswordRef#NONE})
 * @param version the map version at which this target last changed (0 for an implicit target)
 */
public record Target(String name, String jdbcUrl, String user, PasswordRef passwordRef, long version) {
    /** Name of the target every tenant without a route lives on. */
    public static final String SHARED = "shared";

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        passwordRef = passwordRef == null ? PasswordRef.NONE : passwordRef;
        if (name.isEmpty() || name.length() > 63) {
            throw new IllegalArgumentException("target name must be 1 to 63 characters, was '" + name + "'");
        }
    }

    /** @return {@code jdbcUrl} with passwords masked, safe for logs and messages */
    public String safeUrl() {
        return maskUrl(jdbcUrl);
    }

    /**
     * Masks credentials in a JDBC URL: {@code password=…} / {@code pass=…} parameters and
     * {@code user:password@} user-info.
     *
     * @param url any JDBC URL, may be null
     * @return the URL with secrets replaced by {@code ***}
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = url.replaceAll("(?i)((?:password|pass|pwd)=)[^&;]*", "$1***");
        return masked.replaceAll("(//[^/@:]*:)[^@/]*@", "$1***@");
    }

    @Override
    public String toString() {
        return "Target[" + name + " " + safeUrl() + (user == null ? "" : " user=" + user)
                + (passwordRef.isNone() ? "" : " password=" + passwordRef) + "]";
    }
}
