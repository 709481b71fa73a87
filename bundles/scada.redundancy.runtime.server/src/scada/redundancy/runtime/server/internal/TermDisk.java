package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Writes the term and the served term on a thread of their own, so that the redundancy loop never
 * waits for a disk (an fsync on a busy or failing volume can take seconds). Results come back on
 * the loop. The queue is bounded: terms only grow and each write carries the newest value, so a
 * write refused because a burst filled the queue is covered by the ones already queued.
 */
final class TermDisk implements AutoCloseable {
    private final TermStore term;
    private final TermStore served;
    private final Executor loop;
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64), new DefaultThreadFactory("duplex-term-disk", true),
            new ThreadPoolExecutor.AbortPolicy());

    TermDisk(TermStore term, TermStore served, Executor loop) {
        this.term = term;
        this.served = served;
        this.loop = loop;
    }

    /** Stores {@code value} as the term; completes on the loop. */
    CompletableFuture<Void> writeTerm(long value) {
        return write(value, term);
    }

    /**
     * Stores {@code value} as the served term; completes on the loop. Not on a claim's critical
     * path: only the rank after a restart of the whole set depends on it.
     */
    CompletableFuture<Void> writeServed(long value) {
        return write(value, served);
    }

    private CompletableFuture<Void> write(long value, TermStore store) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                Throwable failure = null;
                try {
                    store.write(value);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                Throwable f = failure;
                try {
                    loop.execute(() -> {
                        if (f == null) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(f);
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    // the node stopped meanwhile: nobody waits for this result any more
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IOException("the term writer is stopped or " + writer.getQueue().size()
                    + " writes behind (the disk does not keep up)", e));
        }
        return done;
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
