package io.tenantroute.proxy.pg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client's session settings, replayed on whichever server connection its next transaction gets (the manual's "SET"
 * and "RESET"): the run-time parameters of its StartupMessage ({@code application_name}, {@code client_encoding},
 * {@code DateStyle}, {@code TimeZone}, {@code options=-c …}) and the session-level {@code SET}s it ran. Not thread-safe:
 * one per session, on its event loop.
 */
final class PgSettings {
    /**
     * One setting as it is replayed: the client's own statement ({@code sql}), or a value set through
     * {@code set_config($1, $2, false)} ({@code value}: startup parameters, a route's schema) — never a value
     * concatenated into SQL.
     *
     * @param name the setting, lower case
     * @param sql the client's SET statement, or null
     * @param value the value for set_config, or null
     */
    record Setting(String name, String sql, String value) {
        static Setting statement(String name, String sql) {
            return new Setting(name, sql, null);
        }

        static Setting value(String name, String value) {
            return new Setting(name, null, value);
        }
    }

    /** The name a route's schema is applied under. */
    static final String SEARCH_PATH = "search_path";

    private final LinkedHashMap<String, Setting> startup = new LinkedHashMap<>();
    private final LinkedHashMap<String, Setting> current = new LinkedHashMap<>();

    /** @param name a startup run-time parameter @param value its value */
    void startup(String name, String value) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        Setting s = Setting.value(n, value);
        startup.put(n, s);
        current.put(n, s);
    }

    /** @param c a successful session SET / RESET / RESET ALL / DISCARD ALL */
    void apply(PgCommands.Command c) {
        switch (c.kind()) {
            case SET:
                current.remove(c.name());
                current.put(c.name(), Setting.statement(c.name(), c.text()));
                break;
            case RESET: {
                Setting s = startup.get(c.name());
                if (s != null) {
                    current.put(c.name(), s); // RESET goes back to the session's start value
                } else {
                    current.remove(c.name());
                }
                break;
            }
            case RESET_ALL:
            case DISCARD_ALL:
                current.clear();
                current.putAll(startup);
                break;
            default:
                break;
        }
    }

    /**
     * @param routeSchema the schema of the tenant's route, or null
     * @return the settings a server connection must have for this client's transaction, in order
     */
    Map<String, Setting> wanted(String routeSchema) {
        if (routeSchema == null) {
            return current;
        }
        LinkedHashMap<String, Setting> w = new LinkedHashMap<>(current);
        w.remove(SEARCH_PATH);
        w.put(SEARCH_PATH, Setting.value(SEARCH_PATH, quoteIdentifier(routeSchema)));
        return w;
    }

    /**
     * @param have what the server connection has
     * @param want what the transaction needs
     * @return the changes, in order: resets of what it has and should not, then what differs
     */
    static List<Setting> diff(Map<String, Setting> have, Map<String, Setting> want) {
        List<Setting> out = new ArrayList<>();
        for (Map.Entry<String, Setting> e : have.entrySet()) {
            if (!want.containsKey(e.getKey())) {
                out.add(new Setting(e.getKey(), null, null)); // neither statement nor value: RESET
            }
        }
        for (Map.Entry<String, Setting> e : want.entrySet()) {
            if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** A search_path element: an identifier in double quotes, {@code "} doubled (the manual, "Identifiers and Key Words"). */
    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
