package io.tenantroute.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check of the codec tests can fail: a buffer never released is reported. */
class LeaksTest {
    @Test
    void unreleasedBuffer_isReported() {
        Leaks.assertNone();
        // One buffer leaked, then polled until reported, so no report of it is left for a later test class.
        leak();
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 50 && leaks.isEmpty(); attempt++) {
            leaks = Leaks.drain();
        }
        assertFalse(leaks.isEmpty(), "a buffer dropped without release() must be reported");
    }

    private static void leak() {
        ByteBufAllocator.DEFAULT.buffer(16).writeLong(42);
    }
}
