package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.cli.harness.Stats;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;

/**
 * {@code bench failover}: fails the primary of a real two-server set many times in each of three
 * ways — kill -9 (crash), SIGSTOP (freeze: silence) and SIGTERM (graceful) — for each timing, and
 * reports the failover time from the backup's role-change record (the old primary's last sign of
 * life to the takeover), the time from the failure action to the takeover, and for the freeze the
 * overhead beyond Timeout. Writes {@code failover.json} and {@code failover.md}.
 */
@Command(name = "bench", description = "Benchmarks: 'bench failover' measures failover times with real server processes.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WHAT", description = "failover")
    String what;

    @Option(names = "--rounds", defaultValue = "20", description = "Failures per mode and timing (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--timings", defaultValue = "1000/3000,100/300", split = ",", description = "Period/Timeout pairs in ms (default: ${DEFAULT-VALUE}).")
    List<String> timings;

    @Option(names = "--modes", defaultValue = "crash,freeze,graceful", split = ",", description = "crash, freeze, graceful (default: all).")
    List<String> modes;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write failover.json and failover.md (default: benchmarks/).")
    Path out;

    private PrintWriter log;

    /** One failure and takeover. */
    record Round(int round, String cause, long failoverMs, long actionToTakeoverMs, long term, boolean ok, String note) {
    }

    @Override
    public Integer call() throws Exception {
        log = spec.commandLine().getOut();
        if (!"failover".equals(what)) {
            spec.commandLine().getErr().println("unknown benchmark '" + what + "'; try: bench failover");
            return CheckCommand.USAGE;
        }
        Path outDir = out != null ? out : Path.of(System.getProperty("duplex.root", "."), "benchmarks");
        Files.createDirectories(outDir);
        Map<String, Object> results = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        table.append("| Period/Timeout ms | mode | n | failover p50 | p99 | max | action→takeover p50 | p99 | max | freeze overhead p50 | p99 | max | failed rounds | two primaries |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int twoPrimariesTotal = 0;
        long started = System.nanoTime();
        for (String timing : timings) {
            String[] pt = timing.split("/");
            int period = Integer.parseInt(pt[0].trim());
            int timeout = Integer.parseInt(pt[1].trim());
            Path dir = Files.createTempDirectory("duplex-bench-");
            try (RedundancySet set = new RedundancySet(dir, 2, period, timeout, 3, null, List.of())) {
                set.startAll();
                set.awaitStable(Duration.ofSeconds(60));
                for (String mode : modes) {
                    List<Round> list = new ArrayList<>();
                    int[] twoPrimaries = { 0 };
                    for (int r = 1; r <= rounds; r++) {
                        list.add(round(set, mode, r, timeout, twoPrimaries));
                    }
                    twoPrimariesTotal += twoPrimaries[0];
                    List<Long> failover = list.stream().filter(Round::ok).map(Round::failoverMs).toList();
                    List<Long> action = list.stream().filter(Round::ok).map(Round::actionToTakeoverMs).toList();
                    List<Long> overhead = "freeze".equals(mode) ? failover.stream().map(f -> f - timeout).toList() : List.of();
                    Stats f = Stats.of(failover);
                    Stats a = Stats.of(action);
                    Stats o = Stats.of(overhead);
                    long failed = list.stream().filter(x -> !x.ok()).count();
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("periodMs", period);
                    entry.put("timeoutMs", timeout);
                    entry.put("mode", mode);
                    entry.put("failoverMs", f);
                    entry.put("actionToTakeoverMs", a);
                    if ("freeze".equals(mode)) {
                        entry.put("freezeOverheadMs", o);
                    }
                    entry.put("failedRounds", failed);
                    entry.put("twoPrimaries", twoPrimaries[0]);
                    entry.put("rounds", list);
                    results.put(timing + " " + mode, entry);
                    table.append(String.format(Locale.ROOT, "| %d/%d | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %d | %d |%n",
                            period, timeout, mode, f.n(), f.p50(), f.p99(), f.max(), a.p50(), a.p99(), a.max(),
                            o.n() == 0 ? "–" : String.valueOf(o.p50()), o.n() == 0 ? "–" : String.valueOf(o.p99()),
                            o.n() == 0 ? "–" : String.valueOf(o.max()), failed, twoPrimaries[0]));
                    log.printf("%s %s: failover p50 %d p99 %d max %d ms; action->takeover p50 %d p99 %d ms; failed %d%n", timing,
                            mode, f.p50(), f.p99(), f.max(), a.p50(), a.p99(), failed);
                    log.flush();
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "failover");
        doc.put("date", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        doc.put("parameters", Map.of("rounds", rounds, "timings", timings, "modes", modes, "retryCount", 3));
        doc.put("percentiles", "nearest rank");
        doc.put("runSeconds", seconds);
        doc.put("twoPrimaries", twoPrimariesTotal);
        doc.put("results", results);
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(outDir.resolve("failover.json"), json.writeValueAsString(doc) + "\n");
        String md = "# Failover benchmark\n\n"
                + "`./scada-redundancy bench failover` on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", " + Instant.now() + "; " + rounds + " failures per mode and timing, "
                + "two real server processes on 127.0.0.1 and 127.0.0.2 (mutual TLS), run time " + seconds + " s.\n\n"
                + table
                + "\nAll times in ms, percentiles by nearest rank (with 20 rounds p99 is the maximum).\n\n"
                + "- **failover**: the backup's own record: from the old primary's last sign of life (its last heartbeat, its "
                + "HANDOVER frame, or the reset of its link) to the moment the backup became primary, on the backup's monotonic clock.\n"
                + "- **action→takeover**: from the benchmark's kill -9 / SIGSTOP / SIGTERM to the backup becoming primary (wall clock, one machine).\n"
                + "- **freeze overhead**: failover minus Timeout: what detection and takeover add to the configured silence.\n"
                + "- **two primaries**: rounds after which more than one running server reported itself primary once the set was stable again.\n\n"
                + "Goals: freeze overhead p99 < 50 ms; crash and graceful failover p99 < 100 ms whatever the Timeout; never two primaries.\n";
        Files.writeString(outDir.resolve("failover.md"), md);
        log.println();
        log.print(table);
        log.println("wrote " + outDir.resolve("failover.json") + " and failover.md (" + seconds + " s)");
        log.flush();
        return 0;
    }

    private Round round(RedundancySet set, String mode, int r, int timeout, int[] twoPrimaries) {
        try {
            int primary = set.awaitStable(Duration.ofSeconds(60));
            int backup = 1 - primary;
            ServerProcess victim = set.server(primary);
            long oldTerm = set.status(backup).term();
            long actionAt = System.currentTimeMillis();
            switch (mode) {
            case "crash" -> victim.kill();
            case "freeze" -> victim.freeze();
            case "graceful" -> victim.terminate(Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            RedundancyStatus after = set.server(backup).await(set.monitor(),
                    s -> s.role() == Role.PRIMARY && s.term() > oldTerm, Duration.ofMillis(timeout * 3L + 10_000), "primary");
            RoleChange c = after.roleChanges().stream().filter(x -> x.to() == Role.PRIMARY).reduce((a, b) -> b).orElseThrow();
            if ("freeze".equals(mode)) {
                victim.thaw();
            } else {
                victim.start();
            }
            set.awaitStable(Duration.ofSeconds(60));
            int primaries = 0;
            for (int i = 0; i < 2; i++) {
                if (set.server(i).isAlive() && set.status(i).role() == Role.PRIMARY) {
                    primaries++;
                }
            }
            if (primaries > 1) {
                twoPrimaries[0]++;
            }
            return new Round(r, c.cause().jsonName(), c.failoverMs(), c.becamePrimaryAtMillis() - actionAt, c.term(), true, "");
        } catch (Exception e) {
            log.println("round " + r + " (" + mode + ") failed: " + e.getMessage());
            try {
                for (ServerProcess s : set.servers()) {
                    if (!s.isAlive()) {
                        s.start();
                    } else {
                        s.thaw();
                    }
                }
            } catch (Exception again) {
                log.println("could not restore the set: " + again.getMessage());
            }
            return new Round(r, "", -1, -1, -1, false, String.valueOf(e.getMessage()));
        }
    }
}
