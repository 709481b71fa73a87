package scada.redundancy.runtime.internal;

/** The bytes queued for one partner: reserved by any thread, released on the loop. */
final class SendBudget {
    private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean full;
    volatile boolean connected;

    boolean reserve(int bytes) {
        while (true) {
            long now = queued.get();
            if (now + bytes > ChannelFrames.QUEUE_BYTES) {
                full = true;
                return false;
            }
            if (queued.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** @return true if a sender had been told no and there is room again now */
    boolean release(long bytes) {
        long left = queued.addAndGet(-bytes);
        if (full && left <= ChannelFrames.QUEUE_BYTES / 2) {
            full = false;
            return true;
        }
        return false;
    }
}
