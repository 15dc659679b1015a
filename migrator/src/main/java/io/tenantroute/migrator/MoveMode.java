package io.tenantroute.migrator;

/**
 * How a tenant is moved.
 * <ul>
 *   <li>{@link #ONLINE}: capture changes, copy, catch up, then a short freeze + fence + final replay +
 *       verify + flip. The tenant keeps working; its writes pause for the cutover only. Every owned table
 *       needs a primary key or a NOT NULL unique key.</li>
 *   <li>{@link #OFFLINE}: suspend the tenant, fence, copy, verify, flip, resume (the runbook procedure).</li>
 * </ul>
 */
public enum MoveMode {
    ONLINE, OFFLINE
}
