package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.cli.harness.StatusTimeline;

/**
 * {@code bench three-cut} and {@code bench heal}: a link of a running set is cut silent (a
 * relay that drops nothing and forwards nothing, every socket open) for a while and mended, and
 * what the servers did is measured, not judged: terms and role changes during the fault and after
 * the mend (each server's own log lines, so none is missed however fast they come), how long two
 * servers reported themselves primary at once (every status event of every server, as it
 * arrived), and how long it took until exactly one primary held.
 *
 * <ul>
 * <li>three-cut: three servers, every link relayed; SCADA-A is made primary (by a hand-over if
 * needed) and its link to SCADA-B, the top-ranked backup, is cut. The third server still sees both, so the live servers stay connected: the goal is at
 * most 2 term changes per fault and never two primaries.</li>
 * <li>heal: two servers; the backup takes over after Timeout (silence is all it has); the figure
 * is the time from the mend to a single primary, goal p99 &lt; Period + 500 ms.</li>
 * </ul>
 */
final class PartitionBench {
    /** One cut and mend. Times in ms; -1 where the state was never reached. */
    record Round(int round, int cutSeconds, String cut, long termChangesDuringCut, long termChangesAfterMend,
            Map<String, Integer> roleChangesDuringCut, Map<String, Integer> roleChangesAfterMend, long twoPrimaryMsDuringCut,
            long twoPrimaryMsAfterMend, long singlePrimaryAfterCutMs, long singlePrimaryAfterMendMs, String note) {
        int roleChangesDuringCutTotal() {
            return roleChangesDuringCut.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** One timing and cut length: its rounds, and how late the redundancy threads ran by the end of them. */
    record Result(List<Round> rounds, BenchCommand.LoopLate loopLate) {
    }

    private final PrintWriter log;
    private final int servers;

    PartitionBench(PrintWriter log, int servers) {
        this.log = log;
        this.servers = servers;
    }

    /** All rounds for one timing and one cut length, on a fresh set; the lateness is read before the set is closed. */
    Result run(int period, int timeout, int cutSeconds, int rounds) throws Exception {
        List<Round> list = new ArrayList<>();
        Path dir = Files.createTempDirectory("duplex-bench-cut-");
        try (RedundancySet set = RedundancySet.builder(dir, servers).timing(period, timeout).retryCount(3).allRelayed().build()) {
            set.startAll();
            set.awaitStable(Duration.ofSeconds(60));
            try (StatusTimeline timeline = new StatusTimeline(set)) {
                for (int r = 1; r <= rounds; r++) {
                    list.add(round(set, timeline, r, timeout, cutSeconds));
                }
            }
            return new Result(list, BenchCommand.LoopLate.read(set, log));
        }
    }

    private Round round(RedundancySet set, StatusTimeline timeline, int r, int timeout, int cutSeconds) throws Exception {
        String note = "";
        int primary;
        try {
            primary = set.awaitStable(Duration.ofSeconds(60));
        } catch (Exception e) {
            note = "not stable before the cut: " + e.getMessage();
            primary = 0;
            log.println("round " + r + ": " + note);
        }
        if (servers > 2 && primary != 0) {
            // The scenario is the primary's link to the top-ranked backup: make SCADA-A primary again (a
            // hand-over goes to the first backup in the primary's partner order, which is SCADA-A for B and C).
            try {
                set.monitor().requestHandOver(set.server(primary).endpoint()).get(10, TimeUnit.SECONDS);
                primary = set.awaitStable(Duration.ofSeconds(60));
            } catch (Exception e) {
                note = "hand-over to SCADA-A failed: " + e.getMessage();
                log.println("round " + r + ": " + note);
            }
        }
        int other = primary == 0 ? 1 : 0; // SCADA-B, or SCADA-A if the hand-over did not happen
        boolean[] running = new boolean[servers];
        java.util.Arrays.fill(running, true);
        long termBefore = Math.max(timeline.maxTerm(), maxStatusTerm(set));
        long[] markCut = marks(set);
        long cutAt = System.nanoTime();
        set.cut(primary, other);
        pause(TimeUnit.SECONDS.toNanos(cutSeconds));
        long[] markMend = marks(set);
        long mendAt = System.nanoTime();
        set.mend(primary, other);
        StatusTimeline.Window during = timeline.window(cutAt, mendAt, running);

        // Watch until one primary has held for a while (or give up), then read what happened after the mend.
        long hold = TimeUnit.MILLISECONDS.toNanos(Math.max(2000, 2L * timeout));
        long giveUp = mendAt + TimeUnit.SECONDS.toNanos(60);
        StatusTimeline.Window after = timeline.window(mendAt, System.nanoTime(), running);
        while (System.nanoTime() < giveUp) {
            long now = System.nanoTime();
            after = timeline.window(mendAt, now, running);
            if (after.singleSinceNanos() >= 0 && now - after.singleSinceNanos() >= hold) {
                break;
            }
            pause(TimeUnit.MILLISECONDS.toNanos(20));
        }
        long[] markEnd = marks(set);
        try {
            set.awaitStable(Duration.ofSeconds(60));
        } catch (Exception e) {
            note = (note.isEmpty() ? "" : note + "; ") + "not stable after the mend: " + e.getMessage();
        }
        long termAtMend = during.maxTerm() < 0 ? termBefore : during.maxTerm();
        Round round = new Round(r, cutSeconds, RedundancySet.symbol(primary) + "-" + RedundancySet.symbol(other),
                termAtMend - termBefore, Math.max(0, after.maxTerm() - termAtMend), roleChanges(set, markCut, markMend),
                roleChanges(set, markMend, markEnd), during.twoPrimaryMs(), after.twoPrimaryMs(),
                during.singleSinceNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(during.singleSinceNanos() - cutAt),
                after.singleSinceNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(after.singleSinceNanos() - mendAt), note);
        log.printf(Locale.ROOT, "round %d (%s cut %d s): terms +%d during, +%d after; role changes %s during, %s after; "
                + "two primaries %d ms during, %d ms after; single primary %d ms after the cut, %d ms after the mend%n", r,
                round.cut(), cutSeconds, round.termChangesDuringCut(), round.termChangesAfterMend(), round.roleChangesDuringCut(),
                round.roleChangesAfterMend(), round.twoPrimaryMsDuringCut(), round.twoPrimaryMsAfterMend(),
                round.singlePrimaryAfterCutMs(), round.singlePrimaryAfterMendMs());
        log.flush();
        return round;
    }

    private static long maxStatusTerm(RedundancySet set) throws Exception {
        long max = -1;
        for (int i = 0; i < set.servers().size(); i++) {
            max = Math.max(max, set.status(i).term());
        }
        return max;
    }

    static long[] marks(RedundancySet set) {
        return set.servers().stream().mapToLong(ServerProcess::logLength).toArray();
    }

    private static Map<String, Integer> roleChanges(RedundancySet set, long[] from, long[] to) throws java.io.IOException {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < set.servers().size(); i++) {
            m.put(RedundancySet.symbol(i), set.server(i).countInLog("role-change ", from[i], to[i]));
        }
        return m;
    }

    /** Waits out a measured interval (the fault's length): time itself is what is waited for here. */
    static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left; (left = end - System.nanoTime()) > 0;) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Summary of one timing and cut length for the JSON and the table. */
    static Map<String, Object> summary(int period, int timeout, int cutSeconds, List<Round> list) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("periodMs", period);
        e.put("timeoutMs", timeout);
        e.put("cutSeconds", cutSeconds);
        e.put("termChangesDuringCut", Stats.of(list.stream().map(Round::termChangesDuringCut).toList()));
        e.put("roleChangesDuringCut", Stats.of(list.stream().map(x -> (long) x.roleChangesDuringCutTotal()).toList()));
        e.put("twoPrimaryMsDuringCut", Stats.of(list.stream().map(Round::twoPrimaryMsDuringCut).toList()));
        e.put("roundsWithTwoPrimaries", list.stream().filter(x -> x.twoPrimaryMsDuringCut() > 0 || x.twoPrimaryMsAfterMend() > 0).count());
        e.put("singlePrimaryAfterCutMs", Stats.of(list.stream().map(Round::singlePrimaryAfterCutMs).filter(x -> x >= 0).toList()));
        e.put("noSinglePrimaryAtMend", list.stream().filter(x -> x.singlePrimaryAfterCutMs() < 0).count());
        e.put("singlePrimaryAfterMendMs", Stats.of(list.stream().map(Round::singlePrimaryAfterMendMs).filter(x -> x >= 0).toList()));
        e.put("neverSingleAfterMend", list.stream().filter(x -> x.singlePrimaryAfterMendMs() < 0).count());
        e.put("termChangesAfterMend", Stats.of(list.stream().map(Round::termChangesAfterMend).toList()));
        e.put("rounds", list);
        return e;
    }
}
