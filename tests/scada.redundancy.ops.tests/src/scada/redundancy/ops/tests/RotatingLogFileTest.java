package scada.redundancy.ops.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.cli.logfile.LineTee;
import scada.redundancy.cli.logfile.RotatingLogFile;

/**
 * The server's log file: rotation by size keeps the newest lines in at most N files, cuts only
 * between lines (none torn, none lost while they fit), drops and counts lines rather than block
 * when the disk cannot keep up, and writes at once once shutting down.
 */
public class RotatingLogFileTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** The lines of every kept file, oldest file first. */
    private static List<String> linesOldestFirst(RotatingLogFile log, int files) throws IOException {
        List<String> all = new ArrayList<>();
        for (int n = files - 1; n >= 1; n--) {
            if (Files.exists(log.rotated(n))) {
                all.addAll(Files.readAllLines(log.rotated(n)));
            }
        }
        if (Files.exists(log.file())) {
            all.addAll(Files.readAllLines(log.file()));
        }
        return all;
    }

    @Test
    public void rotationKeepsTheNewestLinesInNFilesOfAtMostTheLimitAndDropsTheOldest() throws IOException {
        Path dir = tmp.newFolder("logs").toPath();
        int files = 3;
        RotatingLogFile log = new RotatingLogFile(dir, 1024, files, System.err);
        int count = 400;
        for (int i = 0; i < count; i++) {
            log.append(String.format("line %05d %s", i, "x".repeat(i % 40)));
        }
        assertTrue(log.drain(5000));
        log.close();

        try (var listing = Files.list(dir)) {
            List<String> names = listing.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("server.log", "server.log.1", "server.log.2"), names);
        }
        for (Path f : new Path[] { log.file(), log.rotated(1), log.rotated(2) }) {
            assertTrue(f + " has " + Files.size(f) + " bytes", Files.size(f) <= 1024);
        }
        List<String> kept = linesOldestFirst(log, files);
        int first = Integer.parseInt(kept.get(0).substring(5, 10));
        assertTrue("the oldest lines are gone: the first kept is " + first, first > 0);
        for (int i = 0; i < kept.size(); i++) {
            // every kept line whole, and no gap from the first kept one to the last written
            assertEquals(String.format("line %05d %s", first + i, "x".repeat((first + i) % 40)), kept.get(i));
        }
        assertEquals(count - 1, first + kept.size() - 1);
        System.out.println("log_rotation: " + count + " lines, kept " + kept.size() + " in " + files + " files of <= 1024 bytes");
    }

    @Test
    public void linesFromManyThreadsThroughTheTeeArriveWholeAndInOrderAcrossRotations() throws Exception {
        Path dir = tmp.newFolder("logs").toPath();
        RotatingLogFile log = new RotatingLogFile(dir, 8192, 50, System.err);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new LineTee(console, log), true, StandardCharsets.UTF_8);
        int threads = 4;
        int perThread = 500;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    out.println("t" + id + " " + i + " " + "é".repeat(20 + (i % 30))); // multi-byte characters too
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread w : writers) {
            w.join(10_000);
        }
        assertTrue(log.drain(5000));
        log.close();
        List<String> lines = linesOldestFirst(log, 50);
        assertEquals("no line lost", threads * perThread, lines.size());
        Pattern whole = Pattern.compile("t(\\d) (\\d+) (é+)");
        Map<Integer, Integer> next = new HashMap<>();
        for (String line : lines) {
            Matcher m = whole.matcher(line);
            assertTrue("a torn line: " + line, m.matches());
            int t = Integer.parseInt(m.group(1));
            int i = Integer.parseInt(m.group(2));
            assertEquals("thread " + t + "'s lines in order", (int) next.getOrDefault(t, 0), i);
            assertEquals(20 + (i % 30), m.group(3).length());
            next.put(t, i + 1);
        }
        assertTrue("rotated at least once", Files.exists(log.rotated(1)));
        assertEquals("the console got every line too", threads * perThread,
                console.toString(StandardCharsets.UTF_8).split("\n").length);
    }

    @Test
    public void aFullQueueDropsAndCountsLinesInsteadOfBlocking() throws IOException {
        Path dir = tmp.newFolder("logs").toPath();
        // room for about three lines: a burst outruns the writer thread
        RotatingLogFile log = new RotatingLogFile(dir, 1 << 20, 2, 100, System.err);
        int count = 5000;
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            log.append("burst line " + i + " " + "y".repeat(10));
        }
        long appendMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(log.drain(5000));
        log.close();
        List<String> lines = Files.readAllLines(log.file());
        long written = lines.stream().filter(l -> l.startsWith("burst line ")).count();
        long reported = 0;
        for (String l : lines) {
            Matcher m = Pattern.compile(" (\\d+) log lines dropped ").matcher(l);
            if (m.find()) {
                reported += Long.parseLong(m.group(1));
            }
        }
        assertTrue("some lines were dropped", log.droppedTotal() > 0);
        assertEquals("the file reports every dropped line", log.droppedTotal(), reported);
        assertEquals("written plus dropped is every line", count, written + reported);
        System.out.println("log_queue_full: " + count + " lines appended in " + appendMs + " ms, " + written + " written, "
                + reported + " dropped and reported");
    }

    @Test
    public void afterWriteThroughEachLineIsInTheFileWhenAppendReturns() throws IOException {
        Path dir = tmp.newFolder("logs").toPath();
        RotatingLogFile log = new RotatingLogFile(dir, 1 << 20, 2, System.err);
        log.append("queued before the shutdown");
        log.writeThrough(1000);
        assertEquals(List.of("queued before the shutdown"), Files.readAllLines(log.file()));
        log.append("the last hand-over line");
        assertEquals(List.of("queued before the shutdown", "the last hand-over line"), Files.readAllLines(log.file()));
        log.close();
        log.append("after close: ignored");
        assertFalse(Files.readString(log.file()).contains("ignored"));
    }

    @Test
    public void aLineLongerThanTheLimitIsCutInTheFileOnly() throws IOException {
        Path dir = tmp.newFolder("logs").toPath();
        RotatingLogFile log = new RotatingLogFile(dir, 1 << 20, 2, System.err);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        OutputStream tee = new LineTee(console, log);
        byte[] huge = "z".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        tee.write(huge);
        tee.write("\nnext\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(log.drain(5000));
        List<String> lines = Files.readAllLines(log.file());
        assertEquals(2, lines.size());
        assertEquals(64 * 1024 + 3, lines.get(0).length());
        assertTrue(lines.get(0).endsWith("..."));
        assertEquals("next", lines.get(1));
        assertEquals(100_000 + 6, console.size());
        log.close();
    }
}
