package io.tenantroute.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/** Asserts that no ByteBuf leaked, using {@link RecordingLeakDetector}. */
public final class Leaks {
    private Leaks() {
    }

    /** Fails unless the JVM runs with Netty's paranoid leak detection and the recording detector. */
    public static void assertDetectorInstalled() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "run with -Dio.netty.leakDetection.level=paranoid (proxy-server/pom.xml sets it)");
    }

    /**
     * Collects garbage and makes the detector poll its queue (it does so on each new tracked buffer), then fails with
     * the leak records, if any. A leak may still slip by when the GC did not collect its buffer yet; a reported one
     * is certain.
     */
    public static void assertNone() {
        assertDetectorInstalled();
        poll();
        List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
        RecordingLeakDetector.LEAKS.clear();
        assertTrue(leaks.isEmpty(), () -> leaks.size() + " ByteBuf leaks: " + String.join("\n\n", leaks));
    }

    /** @return the leaks reported since the last call, cleared */
    public static List<String> drain() {
        poll();
        List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
        RecordingLeakDetector.LEAKS.clear();
        return leaks;
    }

    private static void poll() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            System.runFinalization();
            for (int j = 0; j < 20; j++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8);
                b.release();
                ByteBuf h = io.netty.buffer.Unpooled.buffer(8);
                h.release();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
