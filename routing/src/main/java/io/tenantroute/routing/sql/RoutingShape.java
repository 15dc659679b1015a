package io.tenantroute.routing.sql;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The part of a parsed statement that routing needs, extracted once per distinct SQL text and cached: which
 * literals and which bound parameters name the tenant, which tables it touches, its hints. Holds nothing of
 * Calcite's (mutable) tree. Immutable and thread-safe.
 */
final class RoutingShape {
    final boolean parsed;
    /** Why parsing failed, for the log; null when parsed. */
    final String failure;
    final Set<String> tables;
    final List<String> hints;
    /** Distinct literal tenant values, in text order. */
    final List<String> literals;
    /** Distinct app parameter indexes (0-based) whose bound value is a tenant. */
    final int[] parameters;
    /** The trailing dialect clause cut before parsing, or null. */
    final String cutClause;
    /** The answer when no parameter takes part; null when parameters do or the statement is in error. */
    private final RoutingDecision fixed;

    RoutingShape(boolean parsed, String failure, Set<String> tables, List<String> hints, List<String> literals,
            int[] parameters, String cutClause) {
        this.parsed = parsed;
        this.failure = failure;
        this.tables = Collections.unmodifiableSet(new LinkedHashSet<>(tables));
        this.hints = List.copyOf(hints);
        this.literals = List.copyOf(literals);
        this.parameters = parameters.clone();
        this.cutClause = cutClause;
        this.fixed = this.parameters.length == 0 && this.literals.size() <= 1 && this.hints.size() <= 1
                ? new RoutingDecision(this.literals.isEmpty() ? null : this.literals.get(0),
                        this.literals.isEmpty() && !this.hints.isEmpty() ? this.hints.get(0) : null, this.tables, parsed)
                : null;
    }

    /**
     * @param values bound values by parameter index, may be null (plain statement: parameters are ignored)
     * @return the decision for these values
     * @throws SQLException {@code TR012} when literals, values or hints name different tenants
     */
    RoutingDecision decide(IntFunction<Object> values) throws SQLException {
        if (fixed != null) {
            return fixed;
        }
        String tenant = null;
        List<String> seen = null;
        for (String literal : literals) {
            if (tenant == null) {
                tenant = literal;
            } else if (!tenant.equals(literal)) {
                seen = conflict(seen, tenant, literal);
            }
        }
        if (values != null) {
            for (int p : parameters) {
                Object v = values.apply(p);
                if (v == null) {
                    continue;
                }
                String s = asTenant(v);
                if (tenant == null) {
                    tenant = s;
                } else if (!tenant.equals(s)) {
                    seen = conflict(seen, tenant, s);
                }
            }
        }
        if (seen != null) {
            throw TenantRouteSqlState.MULTIPLE_TENANTS.exception("The statement names several tenants " + seen
                    + " (on " + String.join(", ", tables) + "); TenantRoute runs a statement on one tenant's"
                    + " database: split it per tenant");
        }
        String hint = null;
        if (tenant == null && !hints.isEmpty()) {
            if (hints.size() > 1) {
                throw TenantRouteSqlState.MULTIPLE_TENANTS.exception("The statement's comment hints name several"
                        + " tenants " + hints + "; give one /* tenant=... */ hint");
            }
            hint = hints.get(0);
        }
        return new RoutingDecision(tenant, hint, tables, parsed);
    }

    private static List<String> conflict(List<String> seen, String first, String other) {
        List<String> s = seen != null ? seen : new ArrayList<>(List.of(first));
        if (!s.contains(other)) {
            s.add(other);
        }
        return s;
    }

    /** A bound value as a tenant id (see {@link TenantValues}). */
    static String asTenant(Object v) {
        return TenantValues.asTenant(v);
    }
}
