package io.tenantroute.config;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for an eventually-true condition with a generous bound; never asserts a duration. */
final class Converge {
    static final long BOUND_MS = 10_000;

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    private Converge() {
    }

    static void until(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + BOUND_MS * 1_000_000;
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                fail("did not converge within " + BOUND_MS + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }
}
