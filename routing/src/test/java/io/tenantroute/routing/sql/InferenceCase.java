package io.tenantroute.routing.sql;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One row of a dialect's statement table: the SQL, its bound values, and what inference must answer.
 * {@code expected == ERROR} means the statement must fail with TR012.
 */
record InferenceCase(String name, String sql, List<Object> params, String expected, RoutingDecision.Source source,
        boolean parsed, boolean runsOnEngine) {
    static final String ERROR = "<TR012>";

    static InferenceCase tenant(String name, String expected, String sql, Object... params) {
        return new InferenceCase(name, sql, Arrays.asList(params), expected, RoutingDecision.Source.STATEMENT, true,
                true);
    }

    static InferenceCase hint(String name, String expected, String sql, Object... params) {
        return new InferenceCase(name, sql, Arrays.asList(params), expected, RoutingDecision.Source.HINT, true, true);
    }

    static InferenceCase none(String name, String sql, Object... params) {
        return new InferenceCase(name, sql, Arrays.asList(params), null, RoutingDecision.Source.NONE, true, true);
    }

    static InferenceCase error(String name, String sql, Object... params) {
        return new InferenceCase(name, sql, Arrays.asList(params), ERROR, null, true, true);
    }

    /** The statement is out of Calcite's reach: only a hint can name its tenant. */
    InferenceCase unparsed() {
        return new InferenceCase(name, sql, params, expected, source, false, runsOnEngine);
    }

    /** The statement is not meant to run on the engine's test schema (e.g. it is deliberately invalid SQL). */
    InferenceCase notRunnable() {
        return new InferenceCase(name, sql, params, expected, source, parsed, false);
    }

    IntFunction<Object> values() {
        return i -> params.get(i);
    }

    @Override
    public String toString() {
        return name;
    }
}
