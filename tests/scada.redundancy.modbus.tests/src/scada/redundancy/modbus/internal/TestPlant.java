package scada.redundancy.modbus.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValueListener;
import scada.redundancy.project.Project;
import scada.redundancy.modbus.tests.SampleProject;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.runtime.HealthReporter;

/**
 * A {@link Plant} run without DS, as the component would be, with a listener and a health
 * reporter that tests can wait on (by events, not by sleeping).
 */
final class TestPlant implements AutoCloseable, TagValueListener, HealthReporter {
    final Plant plant = new Plant();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, String> health = new HashMap<>();

    TestPlant(Project project, Plant.Standby standby) {
        plant.bindHealth(this);
        plant.addListener(this);
        plant.standby(standby);
        plant.start(project, null);
    }

    /** The sample project's tags (examples/plant) on one PLC at 127.0.0.1:{@code port}. */
    static Project sampleOn(int port, int connectTimeoutMs, int readTimeoutMs) throws Exception {
        return ProjectReader.read(SampleProject.copyOn(Files.createTempDirectory("duplex-plant-"), port, connectTimeoutMs,
                readTimeoutMs));
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void changed(TagValue value) {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void report(String source, int weight, String reason) {
        lock.lock();
        try {
            if (weight == 0) {
                health.remove(source);
            } else {
                health.put(source, weight + " " + reason);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the tag's current value satisfies {@code condition}; returns it. */
    TagValue await(String tag, Predicate<TagValue> condition, Duration timeout, String what) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                TagValue v = plant.current(tag).orElseThrow();
                if (condition.test(v)) {
                    return v;
                }
                if (left <= 0) {
                    throw new AssertionError(tag + ": not " + what + " within " + timeout.toMillis() + " ms; last " + v);
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the health reports satisfy {@code condition}; returns them. */
    Map<String, String> awaitHealth(Predicate<Map<String, String>> condition, Duration timeout, String what)
            throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.test(health)) {
                if (left <= 0) {
                    throw new AssertionError("health not " + what + " within " + timeout.toMillis() + " ms: " + health);
                }
                left = changed.awaitNanos(left);
            }
            return new HashMap<>(health);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        long start = System.nanoTime();
        plant.deactivate();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (ms > 3000) {
            throw new AssertionError("stopping the plant took " + ms + " ms");
        }
    }
}
