package scada.redundancy.modbus.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import scada.redundancy.plant.Quality;
import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValueListener;
import scada.redundancy.plant.TagValues;
import scada.redundancy.project.Plc;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectException;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.project.Tag;
import scada.redundancy.runtime.HealthReporter;

/**
 * The plant as this server sees it: the project's PLC sessions (one thread each) and the current
 * value of every tag, published as {@link TagValues}. Present on every server that runs with a
 * configuration, primary or not; {@link PrimaryPolling} (present only while primary) switches the
 * sessions to polling. When not polling, the {@code standby} setting decides what the sessions do:
 * <ul>
 * <li><b>cold</b> (the default): no connection at all. A backup costs the PLCs nothing, and a
 * PLC that allows few connections is never short of one; a takeover first connects (one TCP
 * handshake, bounded by the PLC's connect timeout), then polls.</li>
 * <li><b>warm</b>: each session keeps its connection open without sending a request and
 * reconnects when the PLC drops it. A takeover polls at once on the open connection, and a
 * backup that cannot reach a PLC says so in its health before it is needed; each PLC carries
 * one more connection per backup.</li>
 * </ul>
 * Settings, from the server's Config Admin PID (the launcher's {@code -Dduplex.X}): {@code project}
 * (the project directory), {@code standby} (cold or warm), {@code plc.source} (the local address
 * PLC connections come from: empty for the system's choice, {@code bind} for the server's own
 * address, or an address).
 */
// immediate: a backup has no user of the service, yet must load the project and, in warm standby, connect.
@Component(service = { TagValues.class, Plant.class }, configurationPid = Plant.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class Plant implements TagValues {
    static final String PID = "scada.redundancy.server";
    /** Health weights: a PLC this server cannot reach degrades it; a project it cannot load makes it unhealthy. */
    static final int PLC_PROBLEM_WEIGHT = 20;
    static final int PROJECT_PROBLEM_WEIGHT = 60;

    public @interface Settings {
        String project() default "";

        String standby() default "cold";

        String bind() default "";

        String plc_source() default "";
    }

    /** Cold or warm standby: what a server that does not poll does with its PLC connections. */
    public enum Standby {
        COLD, WARM
    }

    private final List<PlcSession> sessions = new ArrayList<>();
    private final Map<String, TagValue> values = new ConcurrentHashMap<>();
    private final List<TagValueListener> listeners = new CopyOnWriteArrayList<>();
    /** Each source's current health problem, so that a reporter bound later hears them all. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private volatile HealthReporter health;
    private volatile boolean polling;
    private Project project;
    private Standby standby;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHealth(HealthReporter reporter) {
        health = reporter;
        problems.forEach((source, reason) -> reporter.report(source, weightOf(source), reason));
    }

    void unbindHealth(HealthReporter reporter) {
        if (health == reporter) {
            health = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(TagValueListener listener) {
        listeners.add(listener);
    }

    void removeListener(TagValueListener listener) {
        listeners.remove(listener);
    }

    @Activate
    void activate(Settings settings) {
        standby = parseStandby(settings.standby());
        String dir = settings.project().strip();
        if (dir.isEmpty()) {
            project = new Project(null, "", "", "", List.of(), List.of(), "");
            return;
        }
        try {
            project = ProjectReader.read(Path.of(dir));
        } catch (ProjectException e) {
            project = new Project(Path.of(dir), "", "", "", List.of(), List.of(), "");
            log("ERROR " + e.getMessage());
            problem("project", "the project " + dir + " cannot be loaded (" + e.problems().size()
                    + " problems, the first: " + e.problems().get(0) + "): fix it and restart the server");
            return;
        }
        InetAddress source = source(settings);
        start(project, source);
        log("project " + project.name() + " " + project.version() + ": " + project.tags().size() + " tags on "
                + project.plcs().size() + " PLCs, " + standby.name().toLowerCase() + " standby"
                + (source == null ? "" : ", connecting from " + source.getHostAddress()));
    }

    /** Starts a session for every PLC of {@code project}; for tests that run the plant without DS. */
    void start(Project loaded, InetAddress source) {
        project = loaded;
        if (standby == null) {
            standby = Standby.COLD;
        }
        Instant now = Instant.now();
        for (Tag t : loaded.tags()) {
            values.put(t.name(), new TagValue(t.name(), Double.NaN, Quality.BAD_WAITING_FOR_INITIAL_DATA, now));
        }
        for (Plc plc : loaded.plcs()) {
            sessions.add(new PlcSession(plc, loaded.tagsOf(plc), source, new SessionEvents()).start());
        }
        applyMode();
    }

    /** For tests without DS. */
    void standby(Standby mode) {
        standby = mode;
        applyMode();
    }

    static Standby parseStandby(String value) {
        String v = value == null ? "" : value.strip().toLowerCase();
        switch (v) {
        case "", "cold":
            return Standby.COLD;
        case "warm":
            return Standby.WARM;
        default:
            log("standby '" + value + "' is neither cold nor warm: cold standby");
            return Standby.COLD;
        }
    }

    private static InetAddress source(Settings settings) {
        String s = settings.plc_source().strip();
        if (s.equals("bind")) {
            s = settings.bind().strip();
        }
        if (s.isEmpty() || s.equals("0.0.0.0")) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            log("plc.source " + s + " is not an address: connecting from the system's choice");
            return null;
        }
    }

    /** Called when this server becomes primary. */
    void startPolling(long term) {
        polling = true;
        applyMode();
        log("polling " + sessions.size() + " PLCs (primary, term " + term + ")");
    }

    /** Called when this server stops being primary. */
    void stopPolling() {
        polling = false;
        applyMode();
        log("stopped polling: " + standby.name().toLowerCase() + " standby");
    }

    private void applyMode() {
        PlcSession.Mode mode = polling ? PlcSession.Mode.POLL
                : standby == Standby.WARM ? PlcSession.Mode.HOLD : PlcSession.Mode.CLOSED;
        for (PlcSession s : sessions) {
            s.setMode(mode);
        }
    }

    List<PlcSession> sessions() {
        return sessions;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        for (PlcSession s : sessions) {
            Plc plc = s.plc();
            Duration bound = Duration.ofMillis(plc.connectTimeoutMs() + plc.readTimeoutMs() + 1000L);
            if (!s.stop(bound)) {
                log("the session of " + plc.describe() + " did not end within " + bound.toMillis() + " ms");
            }
        }
        sessions.clear();
        HealthReporter h = health;
        for (String source : problems.keySet()) {
            if (h != null) {
                h.report(source, 0, "");
            }
        }
        problems.clear();
    }

    @Override
    public Project project() {
        return project;
    }

    @Override
    public List<TagValue> snapshot() {
        List<TagValue> all = new ArrayList<>();
        for (Tag t : project.tags()) {
            all.add(values.get(t.name()));
        }
        return all;
    }

    @Override
    public Optional<TagValue> current(String tag) {
        return Optional.ofNullable(values.get(tag));
    }

    @Override
    public boolean polling() {
        return polling;
    }

    private void problem(String source, String reason) {
        if (reason == null) {
            problems.remove(source);
        } else {
            problems.put(source, reason);
        }
        HealthReporter h = health;
        if (h != null) {
            h.report(source, reason == null ? 0 : weightOf(source), reason == null ? "" : reason);
        }
        log(reason == null ? source + " fine again" : reason);
    }

    private static int weightOf(String source) {
        return source.equals("project") ? PROJECT_PROBLEM_WEIGHT : PLC_PROBLEM_WEIGHT;
    }

    private final class SessionEvents implements PlcSession.Events {
        @Override
        public void update(Tag tag, Double value, long quality) {
            TagValue before = values.get(tag.name());
            double v = value != null ? value : before == null ? Double.NaN : before.value();
            TagValue now = new TagValue(tag.name(), v, quality, Instant.now());
            values.put(tag.name(), now);
            boolean changed = before == null || before.quality() != quality
                    || Double.doubleToLongBits(before.value()) != Double.doubleToLongBits(v);
            if (changed) {
                for (TagValueListener l : listeners) {
                    try {
                        l.changed(now);
                    } catch (RuntimeException e) {
                        log("a tag value listener failed: " + e);
                    }
                }
            }
        }

        @Override
        public void problem(Plc plc, String problem) {
            Plant.this.problem("plc:" + plc.name(), problem);
        }
    }

    static void log(String line) {
        System.out.println(Instant.now() + " plant: " + line);
    }
}
