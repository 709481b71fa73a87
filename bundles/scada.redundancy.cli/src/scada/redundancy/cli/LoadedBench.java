package scada.redundancy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.cli.harness.StatusTimeline;

/**
 * {@code bench loaded}: a two-server set while every core is kept busy by CPU hogs (one busy
 * shell loop per core, as other software on a plant's server would): first nothing is done for
 * the load period, and every role change in it is a false failover (goal 0); then the primary is
 * killed with kill -9 a number of times under the same load (goal: failover p99 &lt; 100 ms).
 */
final class LoadedBench {
    /** One kill -9 of the primary and its takeover, as {@code bench failover}'s crash mode runs it. */
    interface CrashRound {
        BenchCommand.Round run(RedundancySet set, int round);
    }

    private final PrintWriter log;

    LoadedBench(PrintWriter log) {
        this.log = log;
    }

    Map<String, Object> run(int period, int timeout, int loadSeconds, int rounds, CrashRound crash) throws Exception {
        Map<String, Object> e = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("duplex-bench-loaded-");
        try (RedundancySet set = RedundancySet.builder(dir, 2).timing(period, timeout).retryCount(3).build()) {
            set.startAll();
            set.awaitStable(Duration.ofSeconds(60));
            List<Process> hogs = startHogs();
            Thread stopOnExit = new Thread(() -> hogs.forEach(Process::destroyForcibly), "stop-cpu-hogs");
            Runtime.getRuntime().addShutdownHook(stopOnExit); // an interrupted benchmark leaves no busy loop behind
            List<BenchCommand.Round> kills = new ArrayList<>();
            try {
                quietUnderLoad(set, period, timeout, loadSeconds, hogs.size(), e);
                e.put("loopLateLoadPeriod", BenchCommand.LoopLate.read(set, log)); // the load alone, before any kill
                for (int r = 1; r <= rounds; r++) {
                    kills.add(crash.run(set, r));
                }
            } finally {
                stopHogs(hogs);
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            Stats f = Stats.of(kills.stream().filter(BenchCommand.Round::ok).map(BenchCommand.Round::failoverMs).toList());
            Stats a = Stats.of(kills.stream().filter(BenchCommand.Round::ok).map(BenchCommand.Round::actionToTakeoverMs).toList());
            e.put("crashFailoverMs", f);
            e.put("crashActionToTakeoverMs", a);
            e.put("failedRounds", kills.stream().filter(k -> !k.ok()).count());
            e.put("rounds", kills);
            e.put("loopLate", BenchCommand.LoopLate.read(set, log)); // the end of the block, before the set is closed
            log.printf("%d/%d kill -9 under load: failover p50 %d p99 %d max %d ms%n", period, timeout, f.p50(), f.p99(), f.max());
            log.flush();
        }
        return e;
    }

    /** The load period with no fault: every role change in it is a false failover. */
    private void quietUnderLoad(RedundancySet set, int period, int timeout, int loadSeconds, int hogs, Map<String, Object> e)
            throws Exception {
        try (StatusTimeline timeline = new StatusTimeline(set)) {
            long[] from = PartitionBench.marks(set);
            long start = System.nanoTime();
            long termBefore = set.status(0).term();
            PartitionBench.pause(TimeUnit.SECONDS.toNanos(loadSeconds));
            long end = System.nanoTime();
            long[] to = PartitionBench.marks(set);
            int falseFailovers = 0;
            int roleChanges = 0;
            for (int i = 0; i < 2; i++) {
                falseFailovers += set.server(i).countInLog("->primary term=", from[i], to[i]); // a takeover
                roleChanges += set.server(i).countInLog("role-change ", from[i], to[i]);
            }
            StatusTimeline.Window w = timeline.window(start, end, new boolean[] { true, true });
            long terms = Math.max(0, w.maxTerm() - termBefore);
            e.put("periodMs", period);
            e.put("timeoutMs", timeout);
            e.put("hogs", hogs);
            e.put("loadSeconds", loadSeconds);
            e.put("falseFailovers", falseFailovers);
            e.put("roleChanges", roleChanges);
            e.put("termChanges", terms);
            e.put("twoPrimaryMs", w.twoPrimaryMs());
            log.printf("%d/%d under load for %d s: %d false failovers (%d role changes), term +%d%n", period, timeout,
                    loadSeconds, falseFailovers, roleChanges, terms);
            log.flush();
        }
    }

    /** One busy loop per core, each its own process, so that the servers compete for every core. */
    private static List<Process> startHogs() throws IOException {
        List<Process> hogs = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            hogs.add(new ProcessBuilder("sh", "-c", "while :; do :; done").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        return hogs;
    }

    private static void stopHogs(List<Process> hogs) throws InterruptedException {
        for (Process p : hogs) {
            p.destroyForcibly();
        }
        for (Process p : hogs) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
