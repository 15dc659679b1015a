package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.util.ArrayList;
import java.util.List;

/**
 * How a table's rows belong to a tenant: directly by a tenant column ({@code hops} empty), or through a
 * chain of foreign keys ending at a table with the tenant column ({@code invoice_lines → invoices}).
 * Builds the SQL that selects one tenant's rows, the same text on source and target.
 *
 * @param table the table
 * @param hops foreign keys followed from {@code table} towards the root, in order
 * @param root the table holding the tenant column
 * @param tenantColumn the tenant column of {@code root}
 * @param tenantType the SQL type of the tenant column (PostgreSQL casts the bound tenant id to it)
 * @param tenantTypeInSchema the tenant column's type is a type of the table's own schema (a domain, an enum), named
 *     with the schema of the side the SQL runs on ({@link Catalog.Column#schemaType})
 */
public record Ownership(String table, List<Catalog.ForeignKey> hops, String root, String tenantColumn, String tenantType,
        boolean tenantTypeInSchema) {

    /** Ownership whose tenant column has a built-in (or otherwise schema-independent) type. */
    public Ownership(String table, List<Catalog.ForeignKey> hops, String root, String tenantColumn, String tenantType) {
        this(table, hops, root, tenantColumn, tenantType, false);
    }

    /**
     * @param schema the schema of the side the SQL runs against
     * @return the tenant column's type as it resolves in {@code schema}
     */
    public String tenantTypeIn(String schema) {
        return tenantTypeInSchema ? Dialect.POSTGRESQL.q(schema) + "." + tenantType : tenantType;
    }

    /** @return alias of the table holding the tenant column */
    public String rootAlias() {
        return "t" + hops.size();
    }

    /** @return human readable path, e.g. {@code invoice_lines.invoice_id → invoices.id → tenant_id} */
    public String describe() {
        StringBuilder b = new StringBuilder(table);
        for (Catalog.ForeignKey fk : hops) {
            b.append('(').append(String.join(",", fk.columns())).append(") → ").append(fk.refTable())
                    .append('(').append(String.join(",", fk.refColumns())).append(')');
        }
        return b.append(" . ").append(tenantColumn).toString();
    }

    /**
     * @return {@code FROM schema.table t0 JOIN … WHERE tN.tenant = <tenantSql>}
     * @param tenantSql the tenant placeholder ({@code ?}, {@code CAST(? AS type)}, or an escaped literal)
     */
    public String fromWhere(Dialect e, String schema, String tenantSql) {
        StringBuilder b = new StringBuilder(" FROM ").append(e.q(schema, table)).append(" t0");
        String prev = table;
        for (int i = 0; i < hops.size(); i++) {
            Catalog.ForeignKey fk = hops.get(i);
            b.append(" JOIN ").append(e.q(schema, fk.refTable())).append(" t").append(i + 1).append(" ON ");
            for (int k = 0; k < fk.columns().size(); k++) {
                if (k > 0) {
                    b.append(" AND ");
                }
                b.append('t').append(i).append('.').append(e.q(fk.columns().get(k))).append(" = t").append(i + 1).append('.')
                        .append(e.q(fk.refColumns().get(k)));
            }
            prev = fk.refTable();
        }
        b.append(" WHERE ").append(rootAlias()).append('.').append(e.q(tenantColumn)).append(" = ").append(tenantSql);
        return b.toString();
    }

    /**
     * @param schema the schema the SQL runs against (the tenant column's type resolves there)
     * @return the placeholder that binds the tenant id as a parameter, cast to the column type on PostgreSQL
     */
    public String tenantParam(Dialect e, String schema) {
        return e == Dialect.POSTGRESQL ? "CAST(? AS " + tenantTypeIn(schema) + ")" : "?";
    }

    /**
     * @return {@link #fromWhere} with the tenant bound as the statement's first parameter ({@link #tenantParam})
     */
    public String fromWhereTenant(Dialect e, String schema) {
        return fromWhere(e, schema, tenantParam(e, schema));
    }

    /**
     * The tenant of a row as text, inside a trigger: {@code NEW.tenant_id} or a sub-select along the FK chain.
     *
     * @param rowVar {@code NEW} or {@code OLD}
     */
    public String tenantOfRow(Dialect e, String schema, String rowVar) {
        String cast = e == Dialect.POSTGRESQL ? "::text" : "";
        if (hops.isEmpty()) {
            return e == Dialect.POSTGRESQL ? rowVar + "." + e.q(tenantColumn) + cast : "CAST(" + rowVar + "." + e.q(tenantColumn) + " AS CHAR)";
        }
        StringBuilder b = new StringBuilder("(SELECT ");
        String col = rootAlias() + "." + e.q(tenantColumn);
        b.append(e == Dialect.POSTGRESQL ? col + "::text" : "CAST(" + col + " AS CHAR)");
        b.append(" FROM ");
        for (int i = 1; i <= hops.size(); i++) {
            Catalog.ForeignKey fk = hops.get(i - 1);
            if (i == 1) {
                b.append(e.q(schema, fk.refTable())).append(" t1");
            } else {
                Catalog.ForeignKey prevFk = hops.get(i - 1);
                b.append(" JOIN ").append(e.q(schema, prevFk.refTable())).append(" t").append(i).append(" ON ");
                for (int k = 0; k < prevFk.columns().size(); k++) {
                    if (k > 0) {
                        b.append(" AND ");
                    }
                    b.append('t').append(i - 1).append('.').append(e.q(prevFk.columns().get(k))).append(" = t").append(i)
                            .append('.').append(e.q(prevFk.refColumns().get(k)));
                }
            }
        }
        b.append(" WHERE ");
        Catalog.ForeignKey first = hops.get(0);
        for (int k = 0; k < first.columns().size(); k++) {
            if (k > 0) {
                b.append(" AND ");
            }
            b.append("t1.").append(e.q(first.refColumns().get(k))).append(" = ").append(rowVar).append('.').append(e.q(first.columns().get(k)));
        }
        return b.append(" LIMIT 1)").toString();
    }

    /** @return the chain's tables, child first */
    public List<String> tables() {
        List<String> t = new ArrayList<>();
        t.add(table);
        for (Catalog.ForeignKey fk : hops) {
            t.add(fk.refTable());
        }
        return t;
    }
}
