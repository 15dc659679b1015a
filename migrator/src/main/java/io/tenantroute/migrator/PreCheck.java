package io.tenantroute.migrator;

/**
 * One pre-check of a move's plan.
 *
 * @param name what was checked, e.g. {@code target reachable}
 * @param passed whether it passed
 * @param detail why it failed, or what was found; never a password
 */
public record PreCheck(String name, boolean passed, String detail) {
}
