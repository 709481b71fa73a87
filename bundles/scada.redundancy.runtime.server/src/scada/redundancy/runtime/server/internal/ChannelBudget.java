package scada.redundancy.runtime.server.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import scada.redundancy.runtime.link.ChannelFrames;

/**
 * The bytes queued for one partner (all channels) that {@code offer} has accepted and the link
 * has not yet written, and whether a sender was told no since the last wake-up.
 * <p>
 * Both facts live in one {@link AtomicLong}: the low bits count the queued bytes, {@link #REFUSED}
 * says a sender was refused. A refusal sets the flag in the same compare-and-set that saw the
 * queue too full, and a release clears it in the same compare-and-set that brings the queue down
 * to half; so a release can never miss a refusal that raced with it (the lost wake-up of two
 * separate fields: a release that read "nobody refused" just before a sender set it). Every
 * refusal is followed by a release that returns true, provided every reserved byte is released
 * again and a message is never larger than the capacity (a partner message is at most
 * {@link scada.redundancy.runtime.PartnerChannels#MAX_MESSAGE_BYTES}, far below
 * {@link ChannelFrames#QUEUE_BYTES}).
 * <p>
 * {@link #reserve(String, int)} also remembers which channels were refused, so that the loop can
 * tell exactly those channels' listeners that they may send again ({@link #takeRefusedChannels}).
 */
final class ChannelBudget {
    /** Set while a sender has been refused and not yet woken; far above any byte count. */
    private static final long REFUSED = 1L << 62;
    private static final long BYTES = REFUSED - 1;

    private final long capacity;
    private final AtomicLong state = new AtomicLong();
    /** Channels refused since the last {@link #takeRefusedChannels}; guarded by itself. */
    private final Set<String> refusedChannels = new HashSet<>();
    /** Channel messages are accepted exactly while the status says Connected (written on the loop). */
    volatile boolean connected;

    ChannelBudget() {
        this(ChannelFrames.QUEUE_BYTES);
    }

    /** @param capacity the bytes that may be queued; tests use a small one to refuse often */
    ChannelBudget(long capacity) {
        if (capacity <= 0 || capacity >= REFUSED) {
            throw new IllegalArgumentException("a channel budget needs 0 < capacity < 2^62 bytes, not " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Reserves room for a message. Any thread; never waits.
     *
     * @return false if the queue would exceed the capacity: the sender is then woken by a later
     *         {@link #release} that returns true
     */
    boolean reserve(int bytes) {
        while (true) {
            long s = state.get();
            if ((s & BYTES) + bytes > capacity) {
                if ((s & REFUSED) != 0 || state.compareAndSet(s, s | REFUSED)) {
                    return false;
                }
            } else if (state.compareAndSet(s, s + bytes)) {
                return true;
            }
        }
    }

    /**
     * Like {@link #reserve(int)}, and a refused {@code channel} is listed for
     * {@link #takeRefusedChannels}. The listing and the refusal are one step against
     * {@link #takeRefusedChannels}, so a refused channel is never taken before its refusal counts.
     */
    boolean reserve(String channel, int bytes) {
        while (true) {
            if (reserveIfRoom(bytes)) {
                return true;
            }
            synchronized (refusedChannels) {
                boolean listedNow = refusedChannels.add(channel);
                if (markRefused(bytes)) {
                    return false;
                }
                if (listedNow) {
                    refusedChannels.remove(channel); // room appeared meanwhile: try again
                }
            }
        }
    }

    /** @return true with the bytes reserved, false if there is no room (the flag untouched) */
    private boolean reserveIfRoom(int bytes) {
        while (true) {
            long s = state.get();
            if ((s & BYTES) + bytes > capacity) {
                return false;
            }
            if (state.compareAndSet(s, s + bytes)) {
                return true;
            }
        }
    }

    /** @return true once the refusal is recorded, false if there is room after all */
    private boolean markRefused(int bytes) {
        while (true) {
            long s = state.get();
            if ((s & BYTES) + bytes <= capacity) {
                return false;
            }
            if ((s & REFUSED) != 0 || state.compareAndSet(s, s | REFUSED)) {
                return true;
            }
        }
    }

    /**
     * Gives back the room of a message written or dropped. Called on the loop (one thread at a
     * time), concurrently with {@link #reserve}.
     *
     * @return true exactly when a sender had been refused and the queue is down to half the
     *         capacity or less: then tell the refused senders (see {@link #takeRefusedChannels})
     */
    boolean release(long bytes) {
        while (true) {
            long s = state.get();
            long left = (s & BYTES) - bytes;
            if (bytes < 0 || left < 0) {
                throw new IllegalStateException(
                        "ChannelBudget: release of " + bytes + " bytes, but only " + (s & BYTES) + " are queued");
            }
            boolean wake = (s & REFUSED) != 0 && left <= capacity / 2;
            long next = wake ? left : (s & REFUSED) | left;
            if (state.compareAndSet(s, next)) {
                return wake;
            }
        }
    }

    /** The channels refused since the last call; call it whenever {@link #release} returned true. */
    List<String> takeRefusedChannels() {
        synchronized (refusedChannels) {
            List<String> taken = new ArrayList<>(refusedChannels);
            refusedChannels.clear();
            return taken;
        }
    }

    /** The bytes queued now. */
    long queued() {
        return state.get() & BYTES;
    }
}
