package io.tenantroute.config;

import java.sql.SQLException;

/**
 * Validation of tenant ids. A tenant id is data: any characters are allowed (quotes, semicolons, Unicode),
 * and it is only ever bound as a statement parameter, never concatenated into SQL.
 */
public final class TenantIds {
    /** Longest tenant id accepted, in UTF-16 chars; the control tables store it as {@code VARCHAR(255)}. */
    public static final int MAX_LENGTH = 255;

    private TenantIds() {
    }

    /**
     * @param tenant a tenant id
     * @return the same id
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT} when it is null, empty, longer than
     *     {@link #MAX_LENGTH} or contains NUL (which PostgreSQL text cannot hold)
     */
    public static String requireValid(String tenant) throws SQLException {
        String problem = problem(tenant);
        if (problem != null) {
            throw TenantRouteSqlState.INVALID_TENANT.exception(problem);
        }
        return tenant;
    }

    /**
     * @param tenant a tenant id
     * @return null when valid, else a one-line reason
     */
    public static String problem(String tenant) {
        if (tenant == null) {
            return "tenant id must not be null";
        }
        if (tenant.isEmpty()) {
            return "tenant id must not be empty";
        }
        if (tenant.length() > MAX_LENGTH) {
            return "tenant id must be at most " + MAX_LENGTH + " characters, was " + tenant.length();
        }
        if (tenant.indexOf('\0') >= 0) {
            return "tenant id must not contain NUL";
        }
        return null;
    }
}
