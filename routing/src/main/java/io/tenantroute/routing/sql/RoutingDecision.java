package io.tenantroute.routing.sql;

import java.util.Set;

/**
 * What one execution of a statement tells the router: the tenant it names (from the SQL itself, else from a
 * {@code /* tenant=acme *}{@code /} comment hint), and facts for the routing policy. Immutable and thread-safe.
 */
public final class RoutingDecision {
    /** Where {@link #tenant()} came from. */
    public enum Source {
        /** The statement's own predicates or INSERT values name the tenant. */
        STATEMENT,
        /** Only a comment hint names the tenant. */
        HINT,
        /** Nothing names a tenant. */
        NONE
    }

    private final String statementTenant;
    private final String hintTenant;
    private final Set<String> tables;
    private final boolean parsed;

    RoutingDecision(String statementTenant, String hintTenant, Set<String> tables, boolean parsed) {
        this.statementTenant = statementTenant;
        this.hintTenant = hintTenant;
        this.tables = tables;
        this.parsed = parsed;
    }

    /** @return the tenant the statement names, else its hint's tenant, else null */
    public String tenant() {
        return statementTenant != null ? statementTenant : hintTenant;
    }

    /** @return where {@link #tenant()} came from */
    public Source source() {
        return statementTenant != null ? Source.STATEMENT : hintTenant != null ? Source.HINT : Source.NONE;
    }

    /** @return the tenant named by the statement's SQL (not by a hint), or null */
    public String statementTenant() {
        return statementTenant;
    }

    /** @return the tenant of the statement's comment hint, or null (also when the statement names one itself) */
    public String hintTenant() {
        return hintTenant;
    }

    /**
     * @return the tables the statement reads or writes, lower case, without schema, in text order; empty when the
     *     statement names none or was not parsed. Unmodifiable.
     */
    public Set<String> tables() {
        return tables;
    }

    /**
     * @return false when the statement could not be parsed (even after cutting its dialect clauses): then only a
     *     hint can name its tenant and {@link #tables()} is empty
     */
    public boolean parsed() {
        return parsed;
    }

    @Override
    public String toString() {
        return "RoutingDecision[tenant=" + tenant() + ", source=" + source() + ", tables=" + tables
                + ", parsed=" + parsed + "]";
    }
}
