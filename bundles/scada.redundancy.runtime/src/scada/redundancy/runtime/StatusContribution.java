package scada.redundancy.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whiteboard: what another bundle adds to this server's status. DB sync fills the Database
 * columns, a licence adds its state as a note, the OPC UA server counts and names its sessions in
 * the Connected Client column. Register an instance as a
 * {@code StatusContribution} service (or a subclass, e.g. a DS component declared with
 * {@code service = StatusContribution.class}) and {@link #publish} a {@link Snapshot} whenever
 * what it shows changes; unregistering it (or stopping its bundle) takes it out of the status.
 * Without any contribution that speaks of the database, the Database columns say
 * {@link PartnerStatus#NOT_INSTALLED}.
 * <p>
 * A class with final methods rather than an interface, on purpose: the status is built on the
 * redundancy thread, which must never run a contributor's code (one that blocked or threw would
 * stop the heartbeats and cause a failover). The runtime only reads the last snapshot published,
 * from a thread-safe holder; {@link #publish} stores it, asks for a status refresh and returns at
 * once. Every text is bounded when the snapshot is made, so no contribution can make the status
 * frame large.
 */
public class StatusContribution {
    /** The longest value (a Database column, a note) shown; longer ones are cut with "…". */
    public static final int MAX_TEXT = 200;
    /** The most notes one contribution shows. */
    public static final int MAX_NOTES = 5;
    /** The most partners one contribution speaks of (a configuration holds at most 10,000). */
    public static final int MAX_PARTNERS = 10_000;
    /** The most on-demand lines one contribution offers (see {@link Snapshot#details}). */
    public static final int MAX_DETAILS = 50;
    /** The longest source name. */
    public static final int MAX_SOURCE = 64;
    /**
     * The most client names one contribution lists (see {@link Snapshot#clients}); more clients
     * still count in {@link Snapshot#clientCount}.
     */
    public static final int MAX_CLIENTS = 50;

    private final String source;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.NOTHING);
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    /**
     * @param source a short stable name shown with the contribution's notes and in the status's
     *               {@code contributors}, e.g. "db-sync"
     * @throws IllegalArgumentException when it is blank or longer than {@link #MAX_SOURCE}
     */
    public StatusContribution(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank() || source.length() > MAX_SOURCE || !source.equals(oneLine(source))) {
            throw new IllegalArgumentException("a status contribution's source must be one line of 1.." + MAX_SOURCE
                    + " characters, not \"" + bounded(source) + "\"");
        }
        this.source = source;
    }

    /** The name given at construction. */
    public final String source() {
        return source;
    }

    /** The last snapshot published ({@link Snapshot#NOTHING} before the first). */
    public final Snapshot snapshot() {
        return current.get();
    }

    /** Shows {@code snapshot} from now on, instead of the previous one; returns at once. */
    public final void publish(Snapshot snapshot) {
        current.set(Objects.requireNonNull(snapshot, "snapshot"));
        for (Runnable w : watchers) {
            w.run();
        }
    }

    /**
     * For the runtime: {@code published} runs after each {@link #publish}, on the publisher's
     * thread, and must return at once.
     */
    public final void watch(Runnable published) {
        watchers.add(Objects.requireNonNull(published, "published"));
    }

    /** For the runtime: undoes {@link #watch}. */
    public final void unwatch(Runnable published) {
        watchers.remove(published);
    }

    /** Identity: the runtime keeps contributions in collections and never calls a subclass's code. */
    @Override
    public final boolean equals(Object o) {
        return this == o;
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public final String toString() {
        return "StatusContribution " + source;
    }

    /**
     * {@code text} as one line of at most {@link #MAX_TEXT} characters: control characters become
     * spaces and a longer text is cut with "…" (never inside a surrogate pair).
     */
    public static String bounded(String text) {
        String line = oneLine(text.length() > MAX_TEXT * 2 ? text.substring(0, MAX_TEXT * 2) : text).strip();
        if (line.length() <= MAX_TEXT) {
            return line;
        }
        int cut = MAX_TEXT - 1;
        if (Character.isHighSurrogate(line.charAt(cut - 1))) {
            cut--;
        }
        return line.substring(0, cut) + "…";
    }

    private static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return b.toString();
    }

    /**
     * What one contribution shows, immutable and bounded (see {@link StatusContribution#bounded}).
     * Make one with {@link #builder()}.
     *
     * @param database         the This SCADA Database column, or empty when this contribution does not speak of it
     * @param partnerDatabases a partner row's Database column, by the partner's Symbol (lower case: Symbols are
     *                         compared without case); partners it does not speak of are absent
     * @param notes            sentences for the status note, at most {@link StatusContribution#MAX_NOTES}
     * @param partnersNotVerified the Symbols (lower case) of partners this contribution finds out of step with
     *                         this server (DB sync: another schema, or DB sync on here and off there): those
     *                         partners show Not Verified whatever Verify found; say why in their Database column
     * @param details          lines offered on demand (in the status JSON, printed by commands such as
     *                         {@code history gaps}), never in the note: at most {@link StatusContribution#MAX_DETAILS}
     * @param clients          the names of the clients connected through this contribution (the OPC UA server:
     *                         "hmi-1 (10.0.0.7)"), for the status's Connected Client column; at most
     *                         {@link StatusContribution#MAX_CLIENTS}, each one bounded line
     * @param clientCount      how many clients are connected through this contribution: at least
     *                         {@code clients.size()} (the names given before the bound), more when there are more
     *                         clients than names; added to the status's {@code connectedClients}
     */
    public record Snapshot(String database, Map<String, String> partnerDatabases, List<String> notes,
            Set<String> partnersNotVerified, List<String> details, List<String> clients, int clientCount) {
        /** Shows nothing: what a contribution shows before its first {@link StatusContribution#publish}. */
        public static final Snapshot NOTHING = new Snapshot("", Map.of(), List.of(), Set.of(), List.of());

        /** A snapshot without clients (the shape before clients were added). */
        public Snapshot(String database, Map<String, String> partnerDatabases, List<String> notes,
                Set<String> partnersNotVerified, List<String> details) {
            this(database, partnerDatabases, notes, partnersNotVerified, details, List.of(), 0);
        }

        public Snapshot {
            database = bounded(database);
            Map<String, String> partners = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : partnerDatabases.entrySet()) {
                if (partners.size() == MAX_PARTNERS) {
                    break;
                }
                String value = bounded(e.getValue());
                if (!value.isEmpty()) {
                    partners.put(symbolKey(e.getKey()), value);
                }
            }
            partnerDatabases = Map.copyOf(partners);
            List<String> lines = new ArrayList<>();
            for (String n : notes) {
                if (lines.size() == MAX_NOTES) {
                    break;
                }
                String line = bounded(n);
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            notes = List.copyOf(lines);
            Set<String> out = new TreeSet<>();
            for (String symbol : partnersNotVerified) {
                if (out.size() == MAX_PARTNERS) {
                    break;
                }
                out.add(symbolKey(symbol));
            }
            partnersNotVerified = Collections.unmodifiableSet(out);
            List<String> shown = new ArrayList<>();
            for (String d : details) {
                if (shown.size() == MAX_DETAILS) {
                    break;
                }
                String line = bounded(d);
                if (!line.isEmpty()) {
                    shown.add(line);
                }
            }
            details = List.copyOf(shown);
            List<String> names = new ArrayList<>();
            int named = 0;
            for (String c : clients) {
                String name = bounded(c);
                if (name.isEmpty()) {
                    continue;
                }
                named++;
                if (names.size() < MAX_CLIENTS) {
                    names.add(name);
                }
            }
            clients = List.copyOf(names);
            clientCount = Math.max(Math.max(0, clientCount), named);
        }

        /** Whether this contribution finds the partner with {@code symbol} out of step. */
        public boolean partnerNotVerified(String symbol) {
            return partnersNotVerified.contains(symbolKey(symbol));
        }

        /** What this contribution shows in the Database column of the partner with {@code symbol}. */
        public Optional<String> partnerDatabase(String symbol) {
            return Optional.ofNullable(partnerDatabases.get(symbolKey(symbol)));
        }

        public static Builder builder() {
            return new Builder();
        }

        private static String symbolKey(String symbol) {
            String s = symbol.strip();
            return (s.length() > MAX_SOURCE ? s.substring(0, MAX_SOURCE) : s).toLowerCase(Locale.ROOT);
        }

        /** Builds a {@link Snapshot}. */
        public static final class Builder {
            private String database = "";
            private final Map<String, String> partnerDatabases = new LinkedHashMap<>();
            private final List<String> notes = new ArrayList<>();
            private final Set<String> partnersNotVerified = new TreeSet<>();
            private final List<String> details = new ArrayList<>();
            private final List<String> clients = new ArrayList<>();
            private int clientCount;

            private Builder() {
            }

            /** The This SCADA Database column. */
            public Builder database(String text) {
                this.database = Objects.requireNonNull(text, "database");
                return this;
            }

            /** The Database column of the partner row with {@code symbol}. */
            public Builder partnerDatabase(String symbol, String text) {
                partnerDatabases.put(Objects.requireNonNull(symbol, "symbol"), Objects.requireNonNull(text, "text"));
                return this;
            }

            /** A sentence for the status note. */
            public Builder note(String text) {
                notes.add(Objects.requireNonNull(text, "note"));
                return this;
            }

            /** The partner with {@code symbol} is out of step with this server: it shows Not Verified. */
            public Builder partnerNotVerified(String symbol) {
                partnersNotVerified.add(Objects.requireNonNull(symbol, "symbol"));
                return this;
            }

            /** A line offered on demand (see {@link Snapshot#details}). */
            public Builder detail(String line) {
                details.add(Objects.requireNonNull(line, "detail"));
                return this;
            }

            /** A client connected through this contribution, by name (see {@link Snapshot#clients}). */
            public Builder client(String name) {
                clients.add(Objects.requireNonNull(name, "client"));
                return this;
            }

            /**
             * How many clients are connected, when more than the names given (a contribution may stop
             * naming them past {@link StatusContribution#MAX_CLIENTS}); never less than the names given.
             */
            public Builder clientCount(int count) {
                this.clientCount = count;
                return this;
            }

            public Snapshot build() {
                return new Snapshot(database, partnerDatabases, notes, partnersNotVerified, details, clients, clientCount);
            }
        }
    }
}
