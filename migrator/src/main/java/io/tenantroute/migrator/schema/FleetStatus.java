package io.tenantroute.migrator.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Every location's schema at one moment ({@code tenantroute schema status}). Immutable.
 *
 * @param migrations the Flyway location the files came from ({@code filesystem:/…}, {@code classpath:…})
 * @param latest the highest version among the files, or null when they hold none
 * @param locations one per location, the shared database first, then by target and schema
 */
public record FleetStatus(String migrations, String latest, List<LocationStatus> locations) {
    public FleetStatus {
        locations = List.copyOf(locations);
    }

    /** @return how many locations are in each state, in {@link SchemaState} order, states with none left out */
    public Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (SchemaState s : SchemaState.values()) {
            int n = 0;
            for (LocationStatus l : locations) {
                n += l.state() == s ? 1 : 0;
            }
            if (n > 0) {
                out.put(s.label(), n);
            }
        }
        return out;
    }

    /** @return true when every location is {@link SchemaState#UP_TO_DATE} */
    public boolean upToDate() {
        return locations.stream().allMatch(l -> l.state() == SchemaState.UP_TO_DATE);
    }

    /**
     * The deploy gate ({@code schema status --require V}): code that needs version {@code require} may be deployed.
     *
     * @param require a version ({@code 3}, {@code 1.2}); null means "every location up to date"
     * @return true when every location is at {@code require} or later and none is failed, mismatched, drifted or
     *     unreachable (pending migrations above {@code require} do not matter)
     * @throws IllegalArgumentException when {@code require} is not a version
     */
    public boolean meets(String require) {
        if (require == null) {
            return upToDate();
        }
        return notMeeting(require).isEmpty();
    }

    /**
     * @param require a version
     * @return the locations that keep the gate shut for {@code require}
     * @throws IllegalArgumentException when {@code require} is not a version
     */
    public List<LocationStatus> notMeeting(String require) {
        MigrationVersion need = version(require);
        List<LocationStatus> out = new ArrayList<>();
        for (LocationStatus l : locations) {
            boolean bad = l.state() == SchemaState.FAILED || l.state() == SchemaState.CHECKSUM_MISMATCH || l.state() == SchemaState.DRIFT
                    || l.state() == SchemaState.UNREACHABLE || l.version() == null || MigrationVersion.fromVersion(l.version()).compareTo(need) < 0;
            if (bad) {
                out.add(l);
            }
        }
        return out;
    }

    /** @return the locations that make {@code migrate} refuse before any DDL: checksum mismatch or drift */
    public List<LocationStatus> refusing() {
        List<LocationStatus> out = new ArrayList<>();
        for (LocationStatus l : locations) {
            if (l.state() == SchemaState.CHECKSUM_MISMATCH || l.state() == SchemaState.DRIFT) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * @param v a version text, {@code 3}, {@code 1.2}, {@code 2024.01.05} (a leading {@code V} is accepted)
     * @return Flyway's version
     * @throws IllegalArgumentException when it is not a version
     */
    public static MigrationVersion version(String v) {
        try {
            MigrationVersion m = MigrationVersion.fromVersion(v.startsWith("V") || v.startsWith("v") ? v.substring(1) : v);
            if (m.getVersion() == null) {
                throw new IllegalArgumentException("not a version: '" + v + "'");
            }
            return m;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a version: '" + v + "' (expected e.g. 3 or 1.2)", e);
        }
    }
}
