package scada.redundancy.runtime.server.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.netty.channel.Channel;

import scada.redundancy.runtime.link.ChannelFrames;

/**
 * Channel traffic to and from one partner: the send queues (drained in turn), the credit the
 * partner granted per channel, and the bytes received and handled but not yet granted back.
 * Loop-owned, except the per-channel {@link ChannelBudget}s and {@link #connected}, which senders on
 * any thread use: a full queue on one channel refuses only that channel's sender, and only that
 * channel hears {@code writable}.
 */
final class ChannelFlow {
    private final java.util.concurrent.ConcurrentMap<String, ChannelBudget> budgets = new java.util.concurrent.ConcurrentHashMap<>();
    /** Channel messages are accepted exactly while the status says Connected. */
    volatile boolean connected;
    private final Map<String, ArrayDeque<byte[]>> sendQueues = new LinkedHashMap<>();
    private final Map<String, Long> sendCredit = new HashMap<>();
    private final Map<String, Long> ungranted = new HashMap<>();
    /** Told (on the loop) that a sender that was refused may offer again. */
    private final Consumer<String> writable;

    ChannelFlow(Consumer<String> writable) {
        this.writable = writable;
    }

    /** Any thread: reserves room for a message; false when not connected or the channel's queue is full. */
    boolean reserve(String channel, int bytes) {
        return connected && budgets.computeIfAbsent(channel, c -> new ChannelBudget()).reserve(bytes);
    }

    /** On the loop: gives back a reservation that was not queued after all. */
    void unreserve(String channel, int bytes) {
        ChannelBudget b = budgets.get(channel);
        if (b != null && b.release(bytes)) {
            writable.accept(channel);
        }
    }

    void enqueue(String channel, byte[] message, Channel outbound) {
        sendQueues.computeIfAbsent(channel, c -> new ArrayDeque<>()).addLast(message);
        drain(outbound);
    }

    /** Writes queued channel messages while the partner's window and our write buffer allow. */
    void drain(Channel outbound) {
        if (outbound == null) {
            return;
        }
        boolean wrote = false;
        boolean progress = true;
        while (progress && outbound.isWritable()) {
            progress = false;
            for (Map.Entry<String, ArrayDeque<byte[]>> e : sendQueues.entrySet()) {
                byte[] head = e.getValue().peekFirst();
                long credit = sendCredit.getOrDefault(e.getKey(), (long) ChannelFrames.WINDOW_BYTES);
                if (head == null || credit < head.length) {
                    continue;
                }
                e.getValue().removeFirst();
                sendCredit.put(e.getKey(), credit - head.length);
                outbound.write(ChannelFrames.message(e.getKey(), head));
                unreserve(e.getKey(), head.length);
                wrote = true;
                progress = true;
                if (!outbound.isWritable()) {
                    break;
                }
            }
        }
        if (wrote) {
            outbound.flush();
        }
    }

    void credited(ChannelFrames.Credit c, Channel outbound) {
        sendCredit.merge(c.channel(), (long) c.bytes(), Long::sum);
        drain(outbound);
    }

    /**
     * A received channel message was handled.
     *
     * @return the bytes to grant back to the sender now (once a quarter window is used), or 0
     */
    long consumed(String channel, int bytes) {
        long total = ungranted.merge(channel, (long) bytes, Long::sum);
        if (total >= ChannelFrames.WINDOW_BYTES / 4) {
            ungranted.put(channel, 0L);
            return total;
        }
        return 0;
    }

    /** At every new connection both sides start with a full window; what was in flight is gone. */
    void reset() {
        for (Map.Entry<String, ArrayDeque<byte[]>> e : sendQueues.entrySet()) {
            long dropped = 0;
            for (byte[] m : e.getValue()) {
                dropped += m.length;
            }
            e.getValue().clear();
            ChannelBudget b = budgets.get(e.getKey());
            if (b != null) {
                b.release(dropped);
            }
        }
        sendCredit.clear();
        ungranted.clear();
    }
}
