package io.tenantroute.migrator.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@code schema migrate}.
 *
 * @param runId the journal's run id, or null (dry run, or refused before any DDL)
 * @param resumed whether it continued an earlier run ({@code --resume})
 * @param refusal why nothing was done, when the pre-check refused (checksum mismatch, drift, nothing to resume): one
 *     line naming each location; null when it ran
 * @param before every location as the pre-check saw it
 * @param outcomes one per location, in the order of {@code before}; empty when refused or in a dry run
 * @param after every location at the end (same as {@code before} when nothing ran)
 */
public record FleetRun(Long runId, boolean resumed, String refusal, FleetStatus before, List<LocationOutcome> outcomes, FleetStatus after) {
    public FleetRun {
        outcomes = List.copyOf(outcomes);
    }

    /** @return the locations that failed, were refused (a move) or not started */
    public List<LocationOutcome> bad() {
        List<LocationOutcome> out = new ArrayList<>();
        for (LocationOutcome o : outcomes) {
            if (o.bad()) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * @return true when it ran, nothing went wrong and every location is up to date or {@link SchemaState#AHEAD} (a
     *     location a newer release migrated further is left alone, not a failure of this run)
     */
    public boolean ok() {
        return refusal == null && bad().isEmpty()
                && after.locations().stream().allMatch(l -> l.state() == SchemaState.UP_TO_DATE || l.state() == SchemaState.AHEAD);
    }
}
