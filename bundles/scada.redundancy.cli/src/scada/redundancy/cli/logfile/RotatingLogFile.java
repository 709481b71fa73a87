package scada.redundancy.cli.logfile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A server's log file, {@code DIR/server.log}, with size-based rotation: when the next line would
 * make it larger than {@code maxBytes}, it becomes {@code server.log.1} (the older ones move up by
 * one, {@code server.log.N-1} is deleted) and a new {@code server.log} starts, so at most
 * {@code files} files of at most {@code maxBytes} each are kept (a single line longer than that
 * gets a file of its own). Files are cut between lines only: no line is ever split across two
 * files.
 * <p>
 * <b>Never blocks a caller.</b> {@link #append} queues the line and returns; a thread of its own
 * writes it. The queue holds at most {@code maxQueuedBytes}: when a disk stalls, lines beyond that
 * are dropped and counted, and the count takes their place in the file as soon as there is room
 * ("N log lines dropped ..."), so the file says where it has a gap and how big. A file that cannot
 * be written (disk full, permissions) is reported once on {@code complaints} (the console) with
 * the reason, its lines counted as dropped, and tried again with the next line.
 * <p>
 * <b>Shutdown.</b> {@link #writeThrough} (called from a JVM shutdown hook) writes what is queued and
 * from then on writes every line at once on the caller's thread: the last lines a stopping server
 * logs (its hand-over) reach the file before the JVM halts, whatever order shutdown hooks run in.
 */
public final class RotatingLogFile implements AutoCloseable {
    /** The file's name in its directory; the rotated ones are NAME.1 (newest) to NAME.(files-1) (oldest). */
    public static final String NAME = "server.log";
    public static final long DEFAULT_MAX_BYTES = 10L << 20;
    public static final int DEFAULT_FILES = 10;
    /** Lines waiting for the disk, in bytes, beyond which lines are dropped. */
    static final long DEFAULT_MAX_QUEUED_BYTES = 4L << 20;

    private final Path dir;
    private final long maxBytes;
    private final int files;
    private final long maxQueuedBytes;
    private final PrintStream complaints;

    /** Guards everything below. */
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Dropped since the last count was written. */
    private long dropped;
    /** Dropped in all (queue full or file failing); also counted by the thread that writes, without the lock. */
    private final java.util.concurrent.atomic.AtomicLong droppedTotal = new java.util.concurrent.atomic.AtomicLong();
    /** The writer holds lines it has taken from the queue and not finished writing. */
    private boolean writing;
    /** After {@link #writeThrough}: callers write themselves (under the lock). */
    private boolean through;
    private boolean closed;
    /**
     * Guards the file below: held by the writer thread while it writes a batch, and by a caller once
     * through. Never held while waiting for {@link #lock} (the order is lock, then fileLock).
     */
    private final Object fileLock = new Object();
    /** The open file and its size, under fileLock. */
    private OutputStream out;
    private long size;
    /** A write failure is reported once until a write works again. */
    private boolean failing;
    private final Thread writer;

    /**
     * @param dir            the log directory (made if missing)
     * @param maxBytes       the largest size of one file, at least 1024
     * @param files          how many files to keep, the current one included, at least 1
     * @param maxQueuedBytes how many bytes of lines may wait for the disk
     * @param complaints     where a file that cannot be written is reported (standard error)
     */
    public RotatingLogFile(Path dir, long maxBytes, int files, long maxQueuedBytes, PrintStream complaints) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("a log file of " + maxBytes + " bytes is too small: give at least 1024");
        }
        if (files < 1) {
            throw new IllegalArgumentException("keep at least one log file, not " + files);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.files = files;
        this.maxQueuedBytes = maxQueuedBytes;
        this.complaints = complaints;
        writer = new Thread(this::writeLines, "duplex-log-file");
        writer.setDaemon(true); // shutdown is handled by writeThrough, not by keeping the JVM alive
        writer.start();
    }

    public RotatingLogFile(Path dir, long maxBytes, int files, PrintStream complaints) {
        this(dir, maxBytes, files, DEFAULT_MAX_QUEUED_BYTES, complaints);
    }

    /** The current file. */
    public Path file() {
        return dir.resolve(NAME);
    }

    /** Queues one line (its bytes without the line end); returns at once, dropping the line when the queue is full. */
    public void append(byte[] line) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (through) {
                synchronized (fileLock) {
                    writeDropped();
                    write(line);
                }
                return;
            }
            if (queuedBytes + line.length + 1 > maxQueuedBytes) {
                dropped++;
                droppedTotal.incrementAndGet();
                return;
            }
            queue.addLast(line);
            queuedBytes += line.length + 1;
            lock.notifyAll();
        }
    }

    public void append(String line) {
        append(line.getBytes(StandardCharsets.UTF_8));
    }

    /** Lines dropped since this file was opened. */
    public long droppedTotal() {
        return droppedTotal.get();
    }

    /**
     * Waits until every queued line is written, at most {@code timeoutMs}.
     *
     * @return false when lines are still waiting (the disk is stalled)
     */
    public boolean drain(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            while (!queue.isEmpty() || writing) {
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

    /**
     * Writes the queued lines now, at most {@code timeoutMs} waiting for a line the writer is in the
     * middle of, and from then on writes each line on the caller's thread: for the JVM's shutdown,
     * when a queue's thread may never get to run again.
     */
    public void writeThrough(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            through = true;
            lock.notifyAll();
            while (writing && deadline - System.nanoTime() > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, deadline - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!writing) { // else the disk is stalled under the writer: the queue stays (lost if the JVM halts)
                synchronized (fileLock) {
                    writeQueued();
                }
            }
        }
    }

    @Override
    public void close() {
        writeThrough(1000);
        synchronized (lock) {
            closed = true;
            synchronized (fileLock) {
                closeFile();
            }
        }
    }

    /** The writer thread: takes what is queued, writes it outside the lock (a slow disk holds no caller). */
    private void writeLines() {
        while (true) {
            byte[][] batch;
            long droppedNow;
            synchronized (lock) {
                writing = false;
                lock.notifyAll(); // drain() and writeThrough() wait for the end of a batch
                while (queue.isEmpty() && dropped == 0 && !through) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (through) {
                    return; // callers write from now on
                }
                batch = queue.toArray(new byte[0][]);
                queue.clear();
                queuedBytes = 0;
                droppedNow = dropped;
                dropped = 0;
                writing = true;
            }
            synchronized (fileLock) {
                if (droppedNow > 0) {
                    write(droppedLine(droppedNow));
                }
                for (byte[] line : batch) {
                    write(line);
                }
                flush();
            }
        }
    }

    /** Under both locks, once through: the queue and the dropped count, written now. */
    private void writeQueued() {
        writeDropped();
        for (byte[] line : queue) {
            write(line);
        }
        queue.clear();
        queuedBytes = 0;
        flush();
    }

    private void writeDropped() {
        if (dropped > 0) {
            write(droppedLine(dropped));
            dropped = 0;
        }
    }

    private static byte[] droppedLine(long count) {
        return (Instant.now() + " " + count + " log lines dropped (the log file could not keep up, or could not be written)")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Under fileLock: writes one line and its end, rotating first when it would not fit; counts it as dropped when the file fails. */
    private void write(byte[] line) {
        try {
            if (out != null && size > 0 && size + line.length + 1 > maxBytes) {
                rotate();
            }
            if (out == null) {
                open();
            }
            out.write(line);
            out.write('\n');
            size += line.length + 1;
            if (through) {
                out.flush();
            }
            failing = false;
        } catch (IOException e) {
            closeFile();
            droppedTotal.incrementAndGet();
            if (!failing) {
                failing = true;
                complaints.println(Instant.now() + " ERROR cannot write the log file " + file() + ": " + e
                        + "; lines are dropped until it can be written (check the disk space and permissions of " + dir + ")");
            }
        }
    }

    private void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                closeFile();
            }
        }
    }

    private void open() throws IOException {
        Files.createDirectories(dir);
        Path f = file();
        out = new java.io.BufferedOutputStream(Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 << 10);
        size = Files.size(f);
    }

    /** server.log.(files-2) .. server.log.1 move up by one (the oldest goes), server.log becomes server.log.1. */
    private void rotate() throws IOException {
        closeFile();
        if (files == 1) {
            Files.deleteIfExists(file());
            return;
        }
        Files.deleteIfExists(rotated(files - 1));
        for (int i = files - 2; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file(), rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The rotated file {@code n}: 1 is the newest. */
    public Path rotated(int n) {
        return dir.resolve(NAME + "." + n);
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // the data is gone either way; the next write reopens
            }
            out = null;
            size = 0;
        }
    }
}
