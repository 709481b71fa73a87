package scada.redundancy.runtime.server.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.util.concurrent.DefaultThreadFactory;
import scada.redundancy.runtime.ChannelListener;

/**
 * Hands channel messages and wake-ups from the link's thread to the {@link ChannelListener}s.
 * <p>
 * Each channel name with a listener has its own lane: one thread (started on demand, ended after
 * {@value #IDLE_SECONDS} s idle) and a queue of at most {@value #LANE_CAPACITY} tasks. Messages
 * of one channel are delivered in order; a slow or stuck listener delays only its own channel.
 * What piles up in a lane is bounded by the credit window ({@link ChannelFrames#WINDOW_BYTES}
 * per channel and partner); the task cap is a second limit. A message the lane cannot take is
 * dropped with one log line, and its {@code consumed} runs anyway, so the sender gets its credit
 * back and the channel does not stall. Messages on a channel nobody listens to are consumed at
 * once. Threads: at most one per channel name that has a listener.
 */
final class ChannelDispatch {
    static final int LANE_CAPACITY = 65_536;
    static final int IDLE_SECONDS = 30;

    private final Consumer<String> log;
    /** Lanes by channel name, created when the first listener of a channel arrives. */
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ChannelDispatch(Consumer<String> log) {
        this.log = log;
    }

    void addListener(ChannelListener listener, String channel) {
        if (closed) {
            return;
        }
        lanes.computeIfAbsent(channel, Lane::new).listeners.add(listener);
    }

    void removeListener(ChannelListener listener) {
        lanes.values().forEach(lane -> lane.listeners.remove(listener));
    }

    /**
     * A message from {@code partner}; {@code consumed} runs exactly once, after the channel's
     * listeners have had it (or at once if nobody listens or the lane is full or closed).
     * Returns at once.
     */
    void message(String partner, String channel, byte[] message, Runnable consumed) {
        Lane lane = lanes.get(channel);
        if (lane == null || lane.listeners.isEmpty()) {
            consumed.run();
            return;
        }
        try {
            lane.executor.execute(() -> {
                try {
                    for (ChannelListener l : lane.listeners) {
                        try {
                            l.received(partner, message);
                        } catch (RuntimeException e) {
                            log.accept("channel listener " + l + " on channel " + channel + " failed: " + e);
                        }
                    }
                } finally {
                    consumed.run();
                }
            });
        } catch (RejectedExecutionException e) {
            consumed.run();
            lane.refused("a message from " + partner + " was dropped and its credit returned");
        }
    }

    /** The send queue to {@code partner} has room again for {@code channel}: tells that channel's listeners. */
    void writable(String partner, String channel) {
        Lane lane = lanes.get(channel);
        if (lane == null) {
            return;
        }
        try {
            lane.executor.execute(() -> {
                for (ChannelListener l : lane.listeners) {
                    try {
                        l.writable(partner);
                    } catch (RuntimeException e) {
                        log.accept("channel listener " + l + " on channel " + channel + " failed: " + e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            lane.refused("a wake-up for " + partner + " was dropped");
        }
    }

    /** The channel names that have (or had) a listener. */
    List<String> channels() {
        return List.copyOf(lanes.keySet());
    }

    /** Stops taking tasks (later ones are consumed at once, quietly); queued ones still run. */
    void close() {
        closed = true;
        lanes.values().forEach(lane -> lane.executor.shutdown());
    }

    /** One channel's listeners and the thread they are called on. */
    private final class Lane {
        final String channel;
        final List<ChannelListener> listeners = new CopyOnWriteArrayList<>();
        final ThreadPoolExecutor executor;
        /** The first drop is logged, later ones are not: a stuck listener must not flood the log. */
        private final AtomicBoolean toldFull = new AtomicBoolean();

        Lane(String channel) {
            this.channel = channel;
            this.executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(LANE_CAPACITY), new DefaultThreadFactory("duplex-channel-" + channel, true));
            executor.allowCoreThreadTimeOut(true);
        }

        /** A task did not fit: after close that is expected; otherwise a listener is stuck. */
        void refused(String what) {
            if (closed) {
                return;
            }
            if (toldFull.getAndSet(true)) {
                return;
            }
            log.accept("channel " + channel + ": " + LANE_CAPACITY + " tasks are waiting for its listeners (one is stuck "
                    + "or too slow): " + what + "; further drops on this channel are not logged");
        }
    }
}
