package io.tenantroute.config.internal;

import java.util.List;

/**
 * The YAML tenant map file as Jackson reads it; see {@code YamlTenantMapStore} for the format.
 *
 * @param targets the targets, may be null
 * @param routes the routes, may be null
 */
public record YamlMapFile(List<TargetEntry> targets, List<RouteEntry> routes) {

    /**
     * One target.
     *
     * @param name the target name
     * @param url its JDBC URL
     * @param user the user, may be null
     * @param password a password reference ({@code env:NAME}, {@code file:/path}), may be null
     */
    public record TargetEntry(String name, String url, String user, String password) {
    }

    /**
     * One route.
     *
     * @param tenant the tenant id
     * @param target the target name
     * @param schema the schema on the target, may be null
     * @param state {@code active} (default), {@code suspended} or {@code frozen}
     */
    public record RouteEntry(String tenant, String target, String schema, String state) {
    }
}
