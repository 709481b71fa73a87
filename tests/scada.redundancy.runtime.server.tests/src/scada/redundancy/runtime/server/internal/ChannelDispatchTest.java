package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Test;

import scada.redundancy.runtime.ChannelListener;

/**
 * Channel lanes: one channel's stuck listener delays only that channel, a wake-up reaches only its
 * channel, and a message the lane cannot take still returns its credit.
 */
public class ChannelDispatchTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ChannelDispatch dispatch = new ChannelDispatch(log::add);
    /** Released after each test, so that a stuck listener never outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @After
    public void close() {
        release.countDown();
        dispatch.close();
    }

    /** Records what it hears as "partner:message" and "writable:partner". */
    private static final class Recorder implements ChannelListener {
        final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void received(String partnerSymbol, byte[] message) {
            heard.add(partnerSymbol + ":" + new String(message));
        }

        @Override
        public void writable(String partnerSymbol) {
            heard.add("writable:" + partnerSymbol);
        }
    }

    /** Blocks in its first message until the test ends. */
    private final class Stuck implements ChannelListener {
        final CountDownLatch entered = new CountDownLatch(1);
        final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void received(String partnerSymbol, byte[] message) {
            heard.add(new String(message));
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    public void aStuckChannelDelaysOnlyItself() throws Exception {
        Stuck a = new Stuck();
        Recorder b = new Recorder();
        dispatch.addListener(a, "a");
        dispatch.addListener(b, "b");
        Semaphore consumedA = new Semaphore(0);
        Semaphore consumedB = new Semaphore(0);
        dispatch.message("SCADA-B", "a", "a0".getBytes(), consumedA::release);
        assertTrue("channel a's listener never ran", a.entered.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 100; i++) {
            dispatch.message("SCADA-B", "a", ("a" + i).getBytes(), consumedA::release);
        }
        for (int i = 0; i < 100; i++) {
            dispatch.message("SCADA-B", "b", ("b" + i).getBytes(), consumedB::release);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("channel b must not wait for channel a", "SCADA-B:b" + i, b.heard.poll(5, TimeUnit.SECONDS));
        }
        assertEquals("a's credit returns only as its listener returns", 0, consumedA.availablePermits());

        release.countDown();
        for (int i = 0; i <= 100; i++) {
            assertEquals("channel a in order", "a" + i, a.heard.poll(5, TimeUnit.SECONDS));
        }
        assertTrue("every message of a returns its credit", consumedA.tryAcquire(101, 5, TimeUnit.SECONDS));
        assertTrue("every message of b returns its credit", consumedB.tryAcquire(100, 5, TimeUnit.SECONDS));
    }

    @Test
    public void writableReachesOnlyItsChannel() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        dispatch.addListener(a, "a");
        dispatch.addListener(b, "b");
        dispatch.writable("SCADA-B", "a");
        assertEquals("writable:SCADA-B", a.heard.poll(5, TimeUnit.SECONDS));
        // Anything handed to b's lane before this message would come before it.
        dispatch.message("SCADA-B", "b", "marker".getBytes(), () -> { });
        assertEquals("channel b must not hear channel a's wake-up", "SCADA-B:marker", b.heard.poll(5, TimeUnit.SECONDS));
        dispatch.writable("SCADA-C", "b");
        assertEquals("writable:SCADA-C", b.heard.poll(5, TimeUnit.SECONDS));
        dispatch.message("SCADA-B", "a", "marker".getBytes(), () -> { });
        assertEquals("SCADA-B:marker", a.heard.poll(5, TimeUnit.SECONDS));
    }

    @Test
    public void aMessageTheLaneCannotTakeStillReturnsItsCredit() throws Exception {
        Stuck a = new Stuck();
        dispatch.addListener(a, "a");
        Semaphore consumed = new Semaphore(0);
        dispatch.message("SCADA-B", "a", "first".getBytes(), consumed::release);
        assertTrue(a.entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < ChannelDispatch.LANE_CAPACITY; i++) {
            dispatch.message("SCADA-B", "a", new byte[0], consumed::release);
        }
        assertEquals("the lane holds its capacity", 0, consumed.availablePermits());
        for (int i = 0; i < 10; i++) {
            dispatch.message("SCADA-B", "a", new byte[0], consumed::release);
        }
        assertEquals("each refused message returns its credit at once", 10, consumed.availablePermits());
        assertEquals("one log line for the full lane: " + log, 1, log.stream().filter(l -> l.contains("dropped")).count());
        release.countDown();
        assertTrue("the queued messages return their credit as they are handled",
                consumed.tryAcquire(ChannelDispatch.LANE_CAPACITY + 11, 10, TimeUnit.SECONDS));
    }

    @Test
    public void aChannelNobodyListensToIsConsumedAtOnce() {
        AtomicInteger consumed = new AtomicInteger();
        dispatch.message("SCADA-B", "nobody", "x".getBytes(), consumed::incrementAndGet);
        assertEquals(1, consumed.get());
    }

    @Test
    public void afterCloseMessagesAreConsumedQuietly() throws Exception {
        Recorder a = new Recorder();
        dispatch.addListener(a, "a");
        dispatch.close();
        AtomicInteger consumed = new AtomicInteger();
        dispatch.message("SCADA-B", "a", "late".getBytes(), consumed::incrementAndGet);
        dispatch.writable("SCADA-B", "a");
        assertEquals("consumed at once, so it was never queued", 1, consumed.get());
        assertTrue(a.heard.isEmpty());
        assertTrue("nothing logged after close: " + log, log.isEmpty());
    }

    @Test
    public void aFailingListenerDoesNotStopItsChannel() throws Exception {
        Recorder good = new Recorder();
        dispatch.addListener(new ChannelListener() {
            @Override
            public void received(String partnerSymbol, byte[] message) {
                throw new IllegalStateException("a broken driver");
            }
        }, "a");
        dispatch.addListener(good, "a");
        AtomicInteger consumed = new AtomicInteger();
        dispatch.message("SCADA-B", "a", "one".getBytes(), consumed::incrementAndGet);
        dispatch.message("SCADA-B", "a", "two".getBytes(), consumed::incrementAndGet);
        assertEquals("SCADA-B:one", good.heard.poll(5, TimeUnit.SECONDS));
        String second = good.heard.poll(5, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals("SCADA-B:two", second);
    }
}
