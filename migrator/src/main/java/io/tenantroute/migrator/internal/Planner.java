package io.tenantroute.migrator.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the tenant-owned tables of a schema: tables with the tenant column, and tables owned through a
 * foreign key chain of any depth (shortest chain wins, ties by name), then orders them parents first.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * @param tables the schema's tables
     * @param defaultTenantColumn the tenant column name, e.g. {@code tenant_id}
     * @param tenantColumns per-table overrides (table → column)
     * @return ownership of each owned table, in load order (parents first)
     */
    public static List<Ownership> owned(Map<String, Catalog.Table> tables, String defaultTenantColumn, Map<String, String> tenantColumns) {
        Map<String, Ownership> own = new TreeMap<>();
        for (Catalog.Table t : tables.values()) {
            String col = tenantColumns.getOrDefault(t.name(), defaultTenantColumn);
            Catalog.Column c = t.column(col);
            if (c != null) {
                own.put(t.name(), new Ownership(t.name(), List.of(), t.name(), col, c.type(), c.schemaType()));
            }
        }
        // Breadth first: each round adds tables one FK hop further from a tenant column, so the chain is shortest.
        boolean grew = true;
        while (grew) {
            grew = false;
            Map<String, Ownership> next = new TreeMap<>();
            for (Catalog.Table t : new TreeMap<>(tables).values()) {
                if (own.containsKey(t.name())) {
                    continue;
                }
                for (Catalog.ForeignKey fk : t.foreignKeys()) {
                    Ownership parent = own.get(fk.refTable());
                    if (parent != null && !fk.refTable().equals(t.name())) {
                        List<Catalog.ForeignKey> hops = new ArrayList<>();
                        hops.add(fk);
                        hops.addAll(parent.hops());
                        Ownership o = new Ownership(t.name(), List.copyOf(hops), parent.root(), parent.tenantColumn(), parent.tenantType(),
                                parent.tenantTypeInSchema());
                        Ownership prev = next.get(t.name());
                        if (prev == null) {
                            next.put(t.name(), o);
                        }
                        break;
                    }
                }
            }
            if (!next.isEmpty()) {
                own.putAll(next);
                grew = true;
            }
        }
        // Kahn's algorithm on FK edges between owned tables; self references ignored; cycles broken by name.
        Map<String, TreeSet<String>> parents = new LinkedHashMap<>();
        for (String n : own.keySet()) {
            TreeSet<String> ps = new TreeSet<>();
            for (Catalog.ForeignKey fk : tables.get(n).foreignKeys()) {
                if (!fk.refTable().equals(n) && own.containsKey(fk.refTable())) {
                    ps.add(fk.refTable());
                }
            }
            parents.put(n, ps);
        }
        List<Ownership> order = new ArrayList<>();
        TreeSet<String> left = new TreeSet<>(own.keySet());
        while (!left.isEmpty()) {
            String pick = null;
            for (String n : left) {
                boolean ready = true;
                for (String p : parents.get(n)) {
                    if (left.contains(p)) {
                        ready = false;
                        break;
                    }
                }
                if (ready) {
                    pick = n;
                    break;
                }
            }
            if (pick == null) {
                pick = left.first();
            }
            left.remove(pick);
            order.add(own.get(pick));
        }
        return order;
    }
}
