package io.tenantroute.cli.internal.demo;

import java.util.List;

/**
 * One tenant of the demo and its size.
 *
 * @param id the tenant id (data: one contains a quote and an ampersand on purpose)
 * @param name display name
 * @param plan pricing plan
 * @param scale size relative to the largest tenant (1.0 ≈ 100k rows)
 */
public record DemoTenant(String id, String name, String plan, double scale) {

    /** The demo's ten tenants, largest first. */
    public static final List<DemoTenant> ALL = List.of(
            new DemoTenant("acme", "Acme Corp", "enterprise", 1.0),
            new DemoTenant("initech", "Initech", "business", 0.15),
            new DemoTenant("hooli", "Hooli", "business", 0.1),
            new DemoTenant("globex", "Globex Corporation", "enterprise", 0.08),
            new DemoTenant("umbrella", "Umbrella Inc", "business", 0.05),
            new DemoTenant("stark", "Stark Industries", "team", 0.03),
            new DemoTenant("wayne", "Wayne Enterprises", "team", 0.02),
            new DemoTenant("wonka", "Wonka Sweets", "team", 0.01),
            new DemoTenant("tyrell", "Tyrell", "starter", 0.005),
            new DemoTenant("o'reilly & sons", "O'Reilly & Sons", "starter", 0.003));

    /** The tenant that lives in its own database from the start. */
    public static final String DEDICATED = "globex";

    /** The tenant the demo re-routes live, halfway through the workload. */
    public static final String MOVED = "hooli";

    /** The tenant the migrator moves online during the workload: the largest. */
    public static final String ONLINE = "acme";

    /** @return number of users to generate */
    public int users() {
        return Math.max(2, (int) Math.round(400 * scale));
    }

    /** @return number of customers to generate */
    public int customers() {
        return Math.max(4, (int) Math.round(5000 * scale));
    }

    /** @return number of invoices to generate (about three lines each) */
    public int invoices() {
        return Math.max(10, (int) Math.round(26000 * scale));
    }
}
