package scada.redundancy.dbsync.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Servers with a {@link MemoryReplicaStore} and a {@link Replicator} each, joined by links that
 * behave as the redundancy link's channels do: per direction a bounded queue ({@code offer}
 * returns false when it is full or the link is down, and the sender hears {@code writable} when
 * room returns), delivery in order and at most once (a cut loses what is in flight), one
 * delivery thread per receiving server (as the runtime's one lane per channel). Links can be cut
 * and mended, made to drop or corrupt messages silently (harsher than the real link, which only
 * loses on a reset), and delayed without reordering.
 */
final class SyncTestNetwork implements AutoCloseable {
    /** Every store change and every status notifies this; {@link #await} waits on it. */
    final Object changed = new Object();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Direction> directions = new HashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    private final int queueMessages;

    /** @param queueMessages how many messages one direction holds before {@code offer} refuses */
    SyncTestNetwork(int queueMessages) {
        this.queueMessages = queueMessages;
    }

    /** One server. */
    final class Node {
        final String symbol;
        final MemoryReplicaStore store;
        final Replicator replicator;
        final Thread delivery;
        final List<Direction> incoming = new CopyOnWriteArrayList<>();
        volatile boolean stopped;
        /** Taps every message this server sends (the replay tests). */
        volatile Consumer<byte[]> tap = m -> {
        };

        Node(String symbol, String origin, int schema, Replicator.Settings settings) {
            this.symbol = symbol;
            this.store = new MemoryReplicaStore(origin, schema, changed);
            this.replicator = new Replicator(store, settings, this::offer, symbol, line -> log.add(symbol + ": " + line),
                    s -> notifyChanged());
            this.delivery = new Thread(this::deliver, "test-delivery-" + symbol);
            this.delivery.setDaemon(true);
        }

        private boolean offer(String partner, byte[] message) {
            Direction d = directions.get(symbol + ">" + partner);
            if (d == null) {
                return false;
            }
            // Tapped before it is queued: once queued the partner may apply it (and a test see the
            // rows converged) before this thread reaches the tap. A message the queue then refuses
            // is tapped too; replaying it is as harmless as replaying any other.
            tap.accept(message);
            return d.offer(message);
        }

        private void deliver() {
            while (!stopped) {
                boolean any = false;
                for (Direction d : incoming) {
                    byte[] m = d.take();
                    if (m != null) {
                        any = true;
                        replicator.received(d.from, m);
                        d.consumed();
                    }
                }
                if (!any) {
                    synchronized (this) {
                        if (!stopped && incoming.stream().noneMatch(Direction::ready)) {
                            try {
                                wait(incoming.stream().mapToLong(Direction::msUntilDue).min().orElse(50));
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            }
        }

        void wake() {
            synchronized (this) {
                notifyAll();
            }
        }

        /** Writes {@code n} local rows and tells the replicator, as the store's writer would. */
        long write(int n) {
            long last = store.writeLocal(n);
            replicator.localRowsCommitted();
            return last;
        }

        /** This node's configured partners and whether each link is up. */
        void tellPartners() {
            Map<String, Boolean> m = new HashMap<>();
            for (Direction d : directions.values()) {
                if (d.from.equals(symbol)) {
                    m.put(d.to, d.up);
                }
            }
            replicator.partners(m);
        }
    }

    /** One direction of a link: a bounded queue. */
    final class Direction {
        final String from;
        final String to;
        private final ArrayDeque<long[]> times = new ArrayDeque<>();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        volatile boolean up = true;
        private boolean refused;
        private int dropNext;
        private int corruptNext;
        private long delayNanos;
        /** Drops and corruptions hit ROWS messages only. */
        private boolean onlyRows;
        long delivered;
        long bytes;

        Direction(String from, String to) {
            this.from = from;
            this.to = to;
        }

        boolean offer(byte[] m) {
            synchronized (this) {
                if (!up || queue.size() >= queueMessages) {
                    refused = true;
                    return false;
                }
                boolean rows = m.length > 1 && m[1] == SyncMessageCodec.ROWS;
                if (dropNext > 0 && (rows || !onlyRows)) {
                    dropNext--;
                    return true;
                }
                if (corruptNext > 0 && (rows || !onlyRows)) {
                    corruptNext--;
                    m = m.clone();
                    m[m.length / 2] ^= 0x5A;
                }
                queue.addLast(m);
                times.addLast(new long[] { System.nanoTime() + delayNanos });
            }
            // outside this direction's lock: the delivery thread takes the node's lock, then this one
            nodes.get(to).wake();
            return true;
        }

        /** Messages sent and not yet taken by the receiving server. */
        synchronized int queued() {
            return queue.size();
        }

        synchronized boolean ready() {
            return !queue.isEmpty() && System.nanoTime() - times.peekFirst()[0] >= 0;
        }

        synchronized long msUntilDue() {
            if (queue.isEmpty()) {
                return 50;
            }
            return Math.max(1, (times.peekFirst()[0] - System.nanoTime()) / 1_000_000 + 1);
        }

        synchronized byte[] take() {
            if (!ready()) {
                return null;
            }
            times.pollFirst();
            byte[] m = queue.pollFirst();
            delivered++;
            bytes += m.length;
            return m;
        }

        /** The receiver has returned: the sender gets room, and hears so if it was refused. */
        void consumed() {
            boolean tell;
            synchronized (this) {
                tell = refused && up && queue.size() < queueMessages;
                if (tell) {
                    refused = false;
                }
            }
            if (tell) {
                nodes.get(from).replicator.writable(to);
            }
        }

        synchronized void cut() {
            up = false;
            queue.clear();
            times.clear();
        }

        synchronized void mend() {
            up = true;
            refused = false;
        }

        /** Silently drops the next {@code n} messages (of any kind, or ROWS only after {@link #onlyRows}). */
        synchronized void drop(int n) {
            dropNext += n;
        }

        /** Flips a byte in each of the next {@code n} messages (of any kind, or ROWS only after {@link #onlyRows}). */
        synchronized void corrupt(int n) {
            corruptNext += n;
        }

        synchronized Direction onlyRows() {
            onlyRows = true;
            return this;
        }

        synchronized void delay(Duration d) {
            delayNanos = d.toNanos();
        }
    }

    Node add(String symbol, String origin, Replicator.Settings settings) {
        return add(symbol, origin, 1, settings);
    }

    Node add(String symbol, String origin, int schema, Replicator.Settings settings) {
        Node n = new Node(symbol, origin, schema, settings);
        nodes.put(symbol, n);
        return n;
    }

    /** Joins {@code a} and {@code b} (link up). Call before {@link #start()}. */
    void link(String a, String b) {
        Direction ab = new Direction(a, b);
        Direction ba = new Direction(b, a);
        directions.put(a + ">" + b, ab);
        directions.put(b + ">" + a, ba);
        nodes.get(b).incoming.add(ab);
        nodes.get(a).incoming.add(ba);
    }

    Direction direction(String from, String to) {
        return directions.get(from + ">" + to);
    }

    void start() {
        for (Node n : nodes.values()) {
            n.tellPartners();
            n.replicator.start();
            n.delivery.start();
        }
    }

    /** Cuts the link: both directions lose what is in flight and both servers see it down. */
    void cut(String a, String b) {
        direction(a, b).cut();
        direction(b, a).cut();
        nodes.get(a).tellPartners();
        nodes.get(b).tellPartners();
    }

    void mend(String a, String b) {
        direction(a, b).mend();
        direction(b, a).mend();
        nodes.get(a).tellPartners();
        nodes.get(b).tellPartners();
    }

    Node node(String symbol) {
        return nodes.get(symbol);
    }

    void notifyChanged() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /**
     * Waits until {@code condition} holds, re-checking on every store change and status (and at
     * least every 100 ms); fails with {@code what} and the network's state after {@code timeout}.
     */
    void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!condition.getAsBoolean()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within " + timeout + ": " + what.get() + "\n" + describe());
                }
                try {
                    changed.wait(Math.min(100, Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }
    }

    /** Every store's marks and every replicator's status, for failure messages. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes.values()) {
            try {
                b.append(n.symbol).append(" marks ").append(n.store.highWaterMarks());
            } catch (StoreException e) {
                b.append(n.symbol).append(" store fails: ").append(e.getMessage());
            }
            b.append(" status ").append(n.replicator.status()).append('\n');
        }
        List<String> last = new ArrayList<>(log);
        b.append("log (last 20): ").append(last.subList(Math.max(0, last.size() - 20), last.size()));
        return b.toString();
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) {
            n.stopped = true;
            n.wake();
            n.replicator.close();
        }
        for (Node n : nodes.values()) {
            try {
                n.delivery.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
