package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.opcua.client.ClientIdentity;
import scada.redundancy.opcua.client.FailoverClient;
import scada.redundancy.opcua.client.FailoverListener;
import scada.redundancy.opcua.client.Switch;
import scada.redundancy.opcua.client.TagValue;
import scada.redundancy.project.Project;
import scada.redundancy.project.Tag;

/**
 * The demo's OPC UA client workstation: a {@link FailoverClient} subscribed to every tag of the
 * project on both servers' endpoints, with an identity both servers approved. It keeps what the
 * demo shows (the current server, the latest values, the switches) in thread-safe holders that
 * the client's thread writes and the demo's thread reads.
 */
final class DemoClient implements AutoCloseable {
    /** Tags shown on the live line (the first ones of the project). */
    private static final int SHOWN = 2;

    /** What the client saw, for the demo's last lines. */
    record Summary(long values, String firstServer, String lastServer, int switches) {
    }

    private final ClientIdentity identity;
    private final RedundancySet set;
    private final int opcuaPort;
    private final List<String> tags;
    private final PrintWriter out;
    private final Map<String, TagValue> latest = new ConcurrentHashMap<>();
    private final List<Switch> switches = new CopyOnWriteArrayList<>();
    private final AtomicLong values = new AtomicLong();
    private volatile String first = "";
    private volatile String current = "";
    private FailoverClient client;

    private DemoClient(ClientIdentity identity, RedundancySet set, int opcuaPort, List<String> tags, PrintWriter out) {
        this.identity = identity;
        this.set = set;
        this.opcuaPort = opcuaPort;
        this.tags = tags;
        this.out = out;
    }

    /** Makes the client's identity in {@code dir} and approves it on every server of the set (before they start). */
    static DemoClient prepare(Path dir, RedundancySet set, int opcuaPort, Project plant, PrintWriter out) throws Exception {
        ClientIdentity identity = ClientIdentity.loadOrCreate(dir, "demo-hmi");
        for (int i = 0; i < set.servers().size(); i++) {
            identity.trustOn(set.server(i).data()); // as an operator approves a new HMI on each server
        }
        return new DemoClient(identity, set, opcuaPort, plant.tags().stream().map(Tag::name).toList(), out);
    }

    /** Connects to every server and waits until the subscription is placed on one. */
    void start(Duration timeout) throws Exception {
        for (int i = 0; i < set.servers().size(); i++) {
            identity.trustServer(set.server(i).opcuaCertificate(Duration.ofSeconds(30))); // each server made its certificate at its first start
        }
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < set.servers().size(); i++) {
            endpoints.add("opc.tcp://" + set.address(i) + ":" + opcuaPort);
        }
        out.println("== OPC UA client (SignAndEncrypt, its certificate approved on both servers) on " + endpoints
                + ", subscribed to the " + tags.size() + " tags; it follows the highest ServiceLevel");
        client = FailoverClient.builder().endpoints(endpoints).identity(identity).tags(tags.toArray(String[]::new))
                .listener(new FailoverListener() {
                    @Override
                    public void value(TagValue v) {
                        latest.put(v.tag(), v);
                        values.incrementAndGet();
                    }

                    @Override
                    public void firstServer(String endpointUrl) {
                        first = endpointUrl;
                        current = endpointUrl;
                    }

                    @Override
                    public void switched(Switch change) {
                        switches.add(change);
                        current = change.to();
                    }
                }).start();
        String on = client.awaitCurrentServer(timeout);
        if (first.isEmpty()) {
            first = on;
            current = on;
        }
    }

    /** How many moves so far (a mark for {@link #movedTo} and {@link #reportMoves}). */
    int moves() {
        return switches.size();
    }

    /** The client is on the server at {@code address} and has a good value from it. */
    boolean on(String address) {
        TagValue any = latest.values().stream().filter(TagValue::good).findAny().orElse(null);
        return current.contains("//" + address + ":") && any != null && any.server().equals(current);
    }

    /** Since move number {@code since}, the subscription moved to the server at {@code address} and a good value came from it. */
    boolean movedTo(String address, int since) {
        return switches.stream().skip(since).anyMatch(s -> s.to().contains("//" + address + ":") && s.gap() != null);
    }

    /** The moves since move number {@code since}, and the gap of each. */
    long reportMoves(PrintWriter out, int since) {
        long gap = -1;
        for (Switch s : switches.subList(Math.min(since, switches.size()), switches.size())) {
            if (s.gap() != null) {
                gap = Math.max(gap, s.gap().toMillis());
            }
            out.printf("the OPC UA client moved from %s to %s (%s); %s%n", name(s.from()), name(s.to()), s.reason(),
                    s.gap() == null ? "no good value from the new server yet"
                            : "gap " + s.gap().toMillis() + " ms from the last value of the old server to the first good"
                                    + " value of the new one");
        }
        return gap;
    }

    /** The client's part of the demo's live line: its server and the first tags' values. */
    String line() {
        StringBuilder b = new StringBuilder("on ").append(current.isEmpty() ? "-" : name(current)).append(":");
        for (String tag : tags.subList(0, Math.min(SHOWN, tags.size()))) {
            TagValue v = latest.get(tag);
            b.append(' ').append(tag).append('=');
            if (v == null) {
                b.append('-');
            } else if (v.value() instanceof Double d) {
                b.append(String.format(Locale.ROOT, "%.2f", d));
            } else {
                b.append(v.value());
            }
            if (v != null && !v.good()) {
                b.append(" (").append(v.statusName()).append(')');
            }
        }
        return b.toString();
    }

    /** Closes the client and says what it saw. */
    Summary stop() {
        close();
        return new Summary(values.get(), name(first), name(current), switches.size());
    }

    private String name(String endpointUrl) {
        for (int i = 0; i < set.servers().size(); i++) {
            if (endpointUrl.contains("//" + set.address(i) + ":")) {
                return RedundancySet.symbol(i);
            }
        }
        return endpointUrl;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
