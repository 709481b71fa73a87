package scada.redundancy.runtime.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Logging never waits for the output: a real pipe that nobody reads fills up, the writer thread
 * blocks in it, and the callers (the redundancy loop) go on at once, with memory bounded by the
 * queue; once someone reads, the log says how many lines it lost, where it lost them.
 */
public class LogWriterTest {
    private static final Pattern DROPPED = Pattern.compile(".* (\\d+) log lines dropped \\(the log output is not being read\\)");
    private static final Pattern LINE = Pattern.compile(".* line (\\d+) x+");

    @Test(timeout = 60_000) // a hang guard only: a blocking log() never returns
    public void aPipeThatNobodyReadsNeverHoldsUpTheCaller() throws Exception {
        Pipe pipe = Pipe.open();
        PrintStream out = new PrintStream(Channels.newOutputStream(pipe.sink()), false, StandardCharsets.UTF_8);
        LogWriter writer = new LogWriter(out, RedundancyComponent.LOG_LINES_QUEUED, "test-log");
        String padding = "x".repeat(100);
        int lines = 100_000;
        long start = System.nanoTime();
        int maxQueued = 0;
        for (int i = 0; i < lines; i++) {
            writer.log("line " + i + " " + padding);
            if (i % 1000 == 0) {
                maxQueued = Math.max(maxQueued, writer.queued());
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue("100,000 lines took " + tookMs + " ms", tookMs < 20_000);
        assertTrue("at most the queue is held: " + maxQueued, maxQueued <= RedundancyComponent.LOG_LINES_QUEUED);
        assertTrue(writer.queued() <= RedundancyComponent.LOG_LINES_QUEUED);
        long dropped = writer.droppedTotal();
        // The pipe (64 KiB) holds a few hundred lines, the queue 10,000: the rest is dropped.
        assertTrue("dropped " + dropped, dropped >= lines - RedundancyComponent.LOG_LINES_QUEUED - 2_000);

        // Someone reads at last: every line kept arrives in order, then the count of those lost.
        List<String> read = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(pipe.source()),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (read) {
                        read.add(line);
                    }
                    if (line.endsWith("the reader came")) {
                        return;
                    }
                }
            } catch (java.io.IOException e) {
                // the assertions below say what is missing
            }
        }, "test-log-reader");
        reader.start();
        assertTrue("the queue drains once the pipe is read", writer.drain(30_000));
        writer.log("after the reader came");
        reader.join(30_000);

        List<String> all;
        synchronized (read) {
            all = new ArrayList<>(read);
        }
        assertEquals("after the reader came", all.get(all.size() - 1).substring(all.get(all.size() - 1).indexOf(' ') + 1));
        long reported = 0;
        long kept = 0;
        int previous = -1;
        for (String line : all.subList(0, all.size() - 1)) {
            Matcher m = DROPPED.matcher(line);
            if (m.matches()) {
                reported += Long.parseLong(m.group(1));
                continue;
            }
            Matcher l = LINE.matcher(line);
            assertTrue(line, l.matches());
            int n = Integer.parseInt(l.group(1));
            assertTrue("in order: " + n + " after " + previous, n > previous);
            previous = n;
            kept++;
        }
        assertEquals("the dropped count is reported", dropped, reported);
        assertEquals("each line either written or counted", lines, kept + reported);
    }

    @Test(timeout = 30_000)
    public void linesAreWrittenInOrderWhenTheOutputIsRead() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LogWriter writer = new LogWriter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100, "test-log");
        for (int i = 0; i < 50; i++) {
            writer.log("line " + i + " xx");
        }
        assertTrue(writer.drain(10_000));
        String[] written = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(50, written.length);
        for (int i = 0; i < 50; i++) {
            assertTrue(written[i], written[i].endsWith(" line " + i + " xx"));
        }
        assertEquals(0, writer.droppedTotal());
    }
}
