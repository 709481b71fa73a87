package scada.redundancy.runtime.server.internal;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Log lines written by a thread of their own, so that no caller ever waits for the output: the
 * redundancy loop logs, and a pipe that nobody reads (a stuck log collector, a full terminal)
 * must not stop its heartbeats. Lines wait in a queue of at most {@code capacity}; when it is
 * full, a line is dropped and counted, and the count is written in its place as soon as there
 * is room ("N log lines dropped ..."), so the log says where it has a gap and how big.
 * <p>
 * The writer thread is a daemon and ends after {@value #IDLE_SECONDS} s without lines (a new
 * line starts another), so a stopped bundle leaves no thread behind for long. Call
 * {@link #drain} where the lines must be out before the process goes (stop, a start failure).
 */
final class LogWriter {
    static final int IDLE_SECONDS = 10;

    private final PrintStream out;
    private final int capacity;
    private final String threadName;

    /** Guards everything below; the writer waits on it for lines, {@link #drain} for the end of them. */
    private final Object lock = new Object();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    /** Dropped since the last count was queued. */
    private long dropped;
    /** Dropped in all, for tests and the status of the writer itself. */
    private long droppedTotal;
    /** The writer thread runs (it may be idle, waiting for lines). */
    private boolean running;
    /** The writer holds a line it has not finished writing. */
    private boolean writing;

    LogWriter(PrintStream out, int capacity, String threadName) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a log queue needs room for a line and the dropped count: " + capacity);
        }
        this.out = out;
        this.capacity = capacity;
        this.threadName = threadName;
    }

    /** Queues {@code line} with the time now; returns at once, dropping the line if the queue is full. */
    void log(String line) {
        String stamped = Instant.now() + " " + line;
        boolean start = false;
        synchronized (lock) {
            if (dropped > 0 && queue.size() <= capacity - 2) {
                queue.addLast(droppedLine());
            }
            if (dropped > 0 || queue.size() >= capacity) {
                dropped++;
                droppedTotal++;
                return;
            }
            queue.addLast(stamped);
            if (!running) {
                running = true;
                start = true;
            } else {
                lock.notifyAll();
            }
        }
        if (start) {
            Thread t = new Thread(this::writeLines, threadName);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The count of the lines dropped since the last count; resets it. Under the lock. */
    private String droppedLine() {
        String line = Instant.now() + " " + dropped + " log lines dropped (the log output is not being read)";
        dropped = 0;
        return line;
    }

    /**
     * Waits until every queued line is written (and any dropped count), at most {@code timeoutMs}.
     *
     * @return false when lines are still waiting: the output is not being read
     */
    boolean drain(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            while (!queue.isEmpty() || writing || dropped > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Lines waiting to be written now (never more than the capacity). */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Lines dropped since this writer was made. */
    long droppedTotal() {
        synchronized (lock) {
            return droppedTotal;
        }
    }

    /** The writer thread: writes lines while there are any; ends when idle for a while. */
    private void writeLines() {
        while (true) {
            String line;
            synchronized (lock) {
                writing = false;
                lock.notifyAll(); // drain() waits for the end of a line
                long idleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
                while (queue.isEmpty() && dropped == 0) {
                    long left = idleUntil - System.nanoTime();
                    if (left <= 0) {
                        running = false;
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        running = false;
                        return;
                    }
                }
                // Lines dropped and none came after them: say so now rather than at the next line.
                line = queue.isEmpty() ? droppedLine() : queue.pollFirst();
                writing = true;
            }
            out.println(line); // may block for as long as nobody reads the output: only this thread waits
            out.flush();
        }
    }
}
