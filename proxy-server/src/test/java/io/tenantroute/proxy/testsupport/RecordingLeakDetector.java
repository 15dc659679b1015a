package io.tenantroute.proxy.testsupport;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector that also records every leak it reports, installed for the whole test JVM by the system
 * property {@code io.netty.customResourceLeakDetector} (see proxy-server/pom.xml, with level {@code paranoid}), so
 * that {@link Leaks#assertNone()} can fail a test instead of a log line going unnoticed.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (untraced)");
        super.reportUntracedLeak(resourceType);
    }
}
