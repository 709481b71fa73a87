package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;

/**
 * The send budget: never above its capacity or below zero, and every refused sender is woken,
 * proved by senders that, like real ones, wait for the wake-up after a refusal: a lost wake-up
 * leaves them all waiting with nothing left to release.
 */
public class ChannelBudgetTest {
    private static final int CAPACITY = 1000;

    @Test
    public void refusesAboveTheCapacityAndWakesAtHalf() {
        ChannelBudget budget = new ChannelBudget(CAPACITY);
        assertTrue(budget.reserve(600));
        assertTrue(budget.reserve(400));
        assertFalse(budget.reserve(1));
        assertFalse("still above half", budget.release(400));
        assertTrue("down to half: the refused sender may try again", budget.release(100));
        assertFalse("woken once per refusal", budget.release(100));
        assertFalse(budget.release(400));
        assertEquals(0, budget.queued());
    }

    @Test
    public void theRefusedChannelsAreTheOnesToWake() {
        ChannelBudget budget = new ChannelBudget(CAPACITY);
        assertTrue(budget.reserve("a", CAPACITY));
        assertFalse(budget.reserve("b", 1));
        assertFalse(budget.reserve("c", 10));
        assertFalse(budget.reserve("b", 5));
        assertTrue(budget.release(CAPACITY));
        assertEquals(Set.of("b", "c"), Set.copyOf(budget.takeRefusedChannels()));
        assertEquals(List.of(), budget.takeRefusedChannels());
        assertTrue("there is room: nothing is listed", budget.reserve("d", 10));
        assertEquals(List.of(), budget.takeRefusedChannels());
    }

    @Test(expected = IllegalStateException.class)
    public void releasingMoreThanQueuedIsABug() {
        ChannelBudget budget = new ChannelBudget(CAPACITY);
        budget.reserve(10);
        budget.release(11);
    }

    @Test
    public void everyRefusedSenderIsWokenUnderContention() throws Exception {
        ChannelBudget budget = new ChannelBudget(CAPACITY);
        int senders = 3;
        long opsPerSender = 700_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        LinkedBlockingQueue<Integer> queued = new LinkedBlockingQueue<>();
        Object wakeSignal = new Object();
        AtomicLong wakes = new AtomicLong();
        AtomicLong clock = new AtomicLong();
        AtomicLong lastRefusalStart = new AtomicLong(-1);
        AtomicLong lastWake = new AtomicLong(-1);
        AtomicLong refusals = new AtomicLong();
        AtomicLong ops = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Thread sender = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long i = 0; i < opsPerSender && failure.get() == null && System.nanoTime() < deadline; i++) {
                    int bytes = 1 + random.nextInt(600); // some above half the capacity
                    long wakesBefore = wakes.get();
                    long start = clock.incrementAndGet();
                    ops.incrementAndGet();
                    if (budget.reserve(bytes)) {
                        queued.add(bytes);
                        continue;
                    }
                    refusals.incrementAndGet();
                    lastRefusalStart.accumulateAndGet(start, Math::max);
                    // A real sender now waits for writable(): bounded, so a lost wake-up fails the test.
                    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    synchronized (wakeSignal) {
                        while (wakes.get() == wakesBefore) {
                            long left = waitUntil - System.nanoTime();
                            if (left <= 0) {
                                failure.compareAndSet(null, "a refused sender was never woken (queued "
                                        + budget.queued() + " of " + CAPACITY + " bytes)");
                                return;
                            }
                            try {
                                TimeUnit.NANOSECONDS.timedWait(wakeSignal, left);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            }, "sender-" + t);
            threads.add(sender);
            sender.start();
        }
        Thread releaser = new Thread(() -> {
            while (failure.get() == null) {
                Integer bytes;
                try {
                    bytes = queued.poll(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (bytes == null) {
                    if (threads.stream().noneMatch(Thread::isAlive) && queued.isEmpty()) {
                        return;
                    }
                    continue;
                }
                boolean wake = budget.release(bytes);
                long now = budget.queued();
                if (now < 0 || now > CAPACITY) {
                    failure.compareAndSet(null, "queued " + now + " bytes, outside 0.." + CAPACITY);
                }
                if (wake) {
                    lastWake.set(clock.incrementAndGet());
                    wakes.incrementAndGet();
                    synchronized (wakeSignal) {
                        wakeSignal.notifyAll();
                    }
                }
            }
        }, "releaser");
        releaser.start();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
        releaser.join(TimeUnit.SECONDS.toMillis(30));
        if (failure.get() != null) {
            fail(failure.get() + " after " + ops.get() + " reserves and " + refusals.get() + " refusals");
        }
        assertFalse("the releaser did not finish", releaser.isAlive());
        assertEquals("everything reserved was released", 0, budget.queued());
        assertTrue("the test never refused a sender: it proves nothing", refusals.get() > 0);
        assertTrue("the last refusal (at " + lastRefusalStart.get() + ") was never followed by a wake-up (last at "
                + lastWake.get() + ")", lastWake.get() > lastRefusalStart.get());
        System.out.println("ChannelBudgetTest: " + ops.get() + " reserves, " + refusals.get() + " refusals, "
                + wakes.get() + " wake-ups");
    }

    /**
     * The race of the lost wake-up, provoked every round: the queue is full, senders try to
     * reserve while the loop releases everything. Every refusal comes before that release (after
     * it there is room for all), so if anyone was refused, that release must say so.
     */
    @Test
    public void theReleaseThatEmptiesTheQueueWakesEveryoneRefusedBeforeIt() throws Exception {
        ChannelBudget budget = new ChannelBudget(CAPACITY);
        int senders = Runtime.getRuntime().availableProcessors() + 1;
        int small = CAPACITY / (2 * senders); // after the release all senders fit, below half
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        int maxRounds = 100_000;
        CyclicBarrier start = new CyclicBarrier(senders + 1);
        CyclicBarrier end = new CyclicBarrier(senders + 1);
        AtomicLong refusedThisRound = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Thread sender = new Thread(() -> {
                try {
                    while (true) {
                        start.await(10, TimeUnit.SECONDS);
                        if (stop.get()) {
                            return;
                        }
                        // Refused until the release below. More spinning senders than cores: the
                        // loop thread gets a core when a sender is preempted, often inside reserve(),
                        // which is where a wake-up gets lost.
                        while (!budget.reserve(small)) {
                            refusedThisRound.incrementAndGet();
                        }
                        end.await(10, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, "a sender stopped: " + e);
                }
            }, "sender-" + t);
            threads.add(sender);
            sender.start();
        }
        int rounds = 0;
        try {
            while (rounds < maxRounds && System.nanoTime() < deadline && failure.get() == null) {
                assertTrue("round " + rounds + " starts empty", budget.reserve(CAPACITY));
                refusedThisRound.set(0);
                start.await(10, TimeUnit.SECONDS);
                boolean woke = budget.release(CAPACITY);
                end.await(10, TimeUnit.SECONDS);
                long refused = refusedThisRound.get();
                refusals.addAndGet(refused);
                if (refused > 0 && !woke) {
                    fail("lost wake-up in round " + rounds + ": " + refused + " refusals, and the release that emptied the"
                            + " queue did not wake anyone");
                }
                // Nobody can be refused after that release; a refusal still pending here was
                // recorded after the release looked, and would wait for ever with an idle queue.
                assertFalse("lost wake-up in round " + rounds + ": a refusal counted only after the release that"
                        + " emptied the queue", budget.release((long) senders * small));
                assertEquals(0, budget.queued());
                rounds++;
            }
        } finally {
            stop.set(true);
            try {
                start.await(10, TimeUnit.SECONDS); // lets the senders see stop
            } catch (BrokenBarrierException | TimeoutException e) {
                // a sender already failed: its message is in `failure`
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        if (failure.get() != null) {
            fail(failure.get());
        }
        assertTrue("no round saw a refusal: the race was never run", refusals.get() > 0);
        System.out.println("ChannelBudgetTest: " + rounds + " rounds, " + refusals.get() + " refusals");
    }
}
