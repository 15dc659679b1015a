package io.tenantroute.proxy.clients;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a client script names its tenant ({@code TR_TENANT_SOURCE}); against a real database every source is
 * harmless (a custom GUC, a user variable, a connect attribute), which is what lets the scripts be proven
 * directly before they are pointed at the proxy.
 */
public enum TenantSource {
    /** {@code SET tenantroute.tenant = '…'} (PostgreSQL) / {@code SET @tenantroute_tenant = '…'} (MySQL) after connecting, the literal made by the library's own escaping. */
    SET,
    /** The PostgreSQL startup parameter {@code options=-c tenantroute.tenant=…}. PostgreSQL only. */
    STARTUP,
    /** The MySQL connect attribute {@code tenantroute.tenant}. mysql2 and Prisma's MariaDB adapter only (PHP has no API for it). */
    ATTRIBUTE,
    /** Nothing but the SQL: {@code tenant_id = $1} / {@code tenant_id = ?} and tenant columns in INSERTs. */
    INFERENCE,
    /** Nothing at all: the statements leave the tenant column to its default {@code ''}. */
    NONE;

    /** @return the value of {@code TR_TENANT_SOURCE} */
    public String envValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param tenant the tenant id; ignored for {@link #NONE}; {@code null} leaves {@code TR_TENANT} out (the writers take {@code TR_TENANTS})
     * @return {@code TR_TENANT_SOURCE} and, but for {@link #NONE} or a {@code null} tenant, {@code TR_TENANT}
     */
    public Map<String, String> env(String tenant) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TR_TENANT_SOURCE", envValue());
        if (this != NONE && tenant != null) {
            env.put("TR_TENANT", tenant);
        }
        return env;
    }
}
