package io.tenantroute.routing;

import io.tenantroute.config.TenantIds;
import java.sql.SQLException;
import java.util.EnumMap;

/**
 * The tenant a session names explicitly, from its sources in precedence order, the same for every front end:
 * <ol>
 *   <li>{@link Source#CONTEXT}: the driver's {@code TenantContext} (per thread, passed in at each call);</li>
 *   <li>{@link Source#CLIENT_INFO}: the driver's {@code setClientInfo("tenantroute.tenant", …)};</li>
 *   <li>{@link Source#SET}: an intercepted {@code SET tenantroute.tenant = …} / {@code SET @tenantroute_tenant = …}
 *       ({@link SetTenantParser});</li>
 *   <li>{@link Source#CONNECTION}: the connection's own setting — the driver's URL/connection property, the PostgreSQL
 *       startup parameter (also {@code options=-c tenantroute.tenant=…}), the MySQL connect attribute.</li>
 * </ol>
 * The statement itself (SQL inference, hints) comes after all of them ({@link TenantResolver}). Not thread-safe: one per
 * session (logical connection, proxy client).
 */
public final class TenantSources {
    /** Where an explicit tenant came from, highest precedence first. */
    public enum Source {
        /** The driver's per-thread {@code TenantContext}. */
        CONTEXT,
        /** The driver's client info {@code tenantroute.tenant}. */
        CLIENT_INFO,
        /** An intercepted {@code SET} statement. */
        SET,
        /** The connection's property, startup parameter or connect attribute. */
        CONNECTION
    }

    private final EnumMap<Source, String> values = new EnumMap<>(Source.class);

    /**
     * @param source where the tenant comes from
     * @param tenant the tenant id, or null (or empty) to clear this source
     * @throws SQLException {@code TR006} ({@link io.tenantroute.config.TenantRouteSqlState#INVALID_TENANT}) for an invalid id
     */
    public void set(Source source, String tenant) throws SQLException {
        if (tenant == null || tenant.isEmpty()) {
            values.remove(source);
        } else {
            values.put(source, TenantIds.requireValid(tenant));
        }
    }

    /**
     * @param source a source
     * @return its tenant, or null
     */
    public String get(Source source) {
        return values.get(source);
    }

    /**
     * @param contextTenant the tenant of {@link Source#CONTEXT} for this call (the driver's thread), or null
     * @return the highest-precedence tenant set, or null when the session names none
     */
    public String current(String contextTenant) {
        if (contextTenant != null) {
            return contextTenant;
        }
        for (String v : values.values()) { // EnumMap iterates in declaration (precedence) order
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Clears every source except {@link Source#CONNECTION} (a session reset, e.g. {@code DISCARD ALL}). */
    public void resetSession() {
        String connection = values.get(Source.CONNECTION);
        values.clear();
        if (connection != null) {
            values.put(Source.CONNECTION, connection);
        }
    }
}
