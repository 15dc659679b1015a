package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it made, so a test can assert that all of them were released —
 * a leak check that does not depend on garbage collection (Netty's detector, set to PARANOID here as well,
 * only reports leaks it happens to see collected).
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private final List<ByteBuf> made = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(super.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(super.compositeDirectBuffer(maxNumComponents));
    }

    private synchronized <T extends ByteBuf> T track(T b) {
        made.add(b);
        return b;
    }

    /** @return how many buffers were made */
    synchronized int count() {
        return made.size();
    }

    /** Asserts that every buffer made is released (refCnt 0). */
    synchronized void assertAllReleased() {
        List<String> live = new ArrayList<>();
        for (int i = 0; i < made.size(); i++) {
            ByteBuf b = made.get(i);
            if (b.refCnt() != 0) {
                live.add("#" + i + " " + b.getClass().getSimpleName() + " refCnt=" + b.refCnt() + " cap=" + b.capacity());
            }
        }
        assertEquals(List.of(), live, "buffers still referenced");
    }
}
