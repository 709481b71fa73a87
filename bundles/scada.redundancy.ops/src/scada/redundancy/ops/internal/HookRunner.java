package scada.redundancy.ops.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs role-change commands one at a time, in the order they were asked for, on a thread of its
 * own: {@link #submit} never waits, so a command that hangs or fails holds up neither the role
 * change nor the link. A command runs without a shell (see {@link HookCommand}) with the given
 * environment added; its output (standard output and error, at most {@value #MAX_OUTPUT_LINES}
 * lines) and its exit code go to the log. One that runs longer than the timeout is killed with
 * every process it started, and the log says so.
 * <p>
 * At most {@code backlog} commands wait: when role changes come faster than the commands finish,
 * the oldest waiting one is skipped (the newest says where the server is now) and the log says
 * which.
 */
final class HookRunner implements AutoCloseable {
    static final int MAX_OUTPUT_LINES = 200;

    /**
     * One command to run.
     *
     * @param name    what the log calls it, e.g. "promote (term 7)"
     * @param command the program and its arguments
     * @param env     added to the server's environment
     */
    record Hook(String name, List<String> command, Map<String, String> env) {
    }

    private final Duration timeout;
    private final int backlog;
    private final Consumer<String> log;
    private final Object lock = new Object();
    private final ArrayDeque<Hook> waiting = new ArrayDeque<>();
    private boolean running;
    private boolean closed;
    private final Thread thread;

    HookRunner(Duration timeout, int backlog, Consumer<String> log) {
        this.timeout = timeout;
        this.backlog = backlog;
        this.log = log;
        thread = new Thread(this::runHooks, "duplex-hooks");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the hook; returns at once. */
    void submit(Hook hook) {
        synchronized (lock) {
            if (closed) {
                log.accept("not running the " + hook.name() + " hook: the server is stopping");
                return;
            }
            if (waiting.size() >= backlog) {
                Hook skipped = waiting.pollFirst();
                log.accept("skipped the " + skipped.name() + " hook: " + backlog
                        + " newer role changes are waiting behind a hook still running (only the newest count)");
            }
            waiting.addLast(hook);
            lock.notifyAll();
        }
    }

    /**
     * Waits until no hook runs or waits, at most {@code timeoutMs}: the demotion hook of a stopping
     * server should run before the JVM ends.
     *
     * @return false when one still runs or waits
     */
    boolean awaitIdle(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            while (running || !waiting.isEmpty()) {
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

    /** Takes no more hooks; the one running finishes (or times out) on its thread, the waiting ones are dropped. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (!waiting.isEmpty()) {
                log.accept("the server is stopping: " + waiting.size() + " waiting hooks are not run");
                waiting.clear();
            }
            lock.notifyAll();
        }
    }

    private void runHooks() {
        while (true) {
            Hook hook;
            synchronized (lock) {
                running = false;
                lock.notifyAll();
                while (waiting.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiting.isEmpty()) {
                    return; // closed
                }
                hook = waiting.pollFirst();
                running = true;
            }
            try {
                run(hook);
            } catch (RuntimeException e) {
                log.accept("ERROR the " + hook.name() + " hook failed: " + e);
            }
        }
    }

    private void run(Hook hook) {
        long started = System.nanoTime();
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(hook.command()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(hook.env());
            process = pb.start();
        } catch (IOException e) {
            log.accept("ERROR the " + hook.name() + " hook cannot run " + hook.command().get(0) + ": " + e.getMessage()
                    + " (give the program's full path, or write sh -c '...')");
            return;
        }
        log.accept("running the " + hook.name() + " hook, pid " + process.pid() + ": " + String.join(" ", hook.command()));
        Thread output = new Thread(() -> logOutput(hook, process), "duplex-hook-output");
        output.setDaemon(true);
        output.start();
        boolean ended;
        try {
            ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            // The children first: once the parent is gone, its children belong to init and are found no more.
            List<ProcessHandle> tree = process.descendants().toList();
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            log.accept("ERROR the " + hook.name() + " hook was still running after " + timeout.toMillis()
                    + " ms: killed it (pid " + process.pid() + ") and " + tree.size()
                    + " processes it started (raise --hook-timeout, duplex.hook.timeoutMs, if it needs longer)");
            joinOutput(output);
            return;
        }
        joinOutput(output); // its output before its exit code in the log
        long ms = (System.nanoTime() - started) / 1_000_000;
        int code = process.exitValue();
        log.accept((code == 0 ? "" : "ERROR ") + "the " + hook.name() + " hook exited with " + code + " after " + ms + " ms");
    }

    private static void joinOutput(Thread output) {
        try {
            output.join(1000); // a grandchild that kept the pipe open: its output is cut there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void logOutput(Hook hook, Process process) {
        int lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (++lines <= MAX_OUTPUT_LINES) {
                    log.accept(hook.name() + " output: " + line);
                }
            }
        } catch (IOException e) {
            // the process was killed: its pipe closed
        }
        if (lines > MAX_OUTPUT_LINES) {
            log.accept(hook.name() + " output: " + (lines - MAX_OUTPUT_LINES) + " more lines not logged");
        }
    }
}
