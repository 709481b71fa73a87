package scada.redundancy.runtime.server.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.StatusContribution;
import scada.redundancy.runtime.StatusContribution.Snapshot;

/**
 * The {@link StatusContribution}s in force, bound by the component (any thread) and read by the
 * status board on the redundancy loop. The loop only reads snapshots the contributors published:
 * it never runs their code. A publish asks for one status refresh; however many follow before the
 * loop builds the status, one refresh is queued.
 */
public final class StatusContributions {
    private final List<StatusContribution> contributions = new CopyOnWriteArrayList<>();
    private final Runnable published = this::refresh;
    /** Set when a refresh is queued on the loop, cleared by the loop before it reads the snapshots. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile Executor loop = Runnable::run;
    private volatile Runnable statusChanged = () -> {
    };

    /** Takes {@code c} into the status (the component's bind, any thread). */
    public void add(StatusContribution c) {
        contributions.add(c);
        c.watch(published);
        refresh();
    }

    /** Takes {@code c} out of the status (the component's unbind, any thread). */
    public void remove(StatusContribution c) {
        c.unwatch(published);
        contributions.remove(c);
        refresh();
    }

    /** The node (one per holder): when a contribution changes, run {@code statusChanged} on {@code loop}. */
    void refreshOn(Executor loop, Runnable statusChanged) {
        this.loop = loop;
        this.statusChanged = statusChanged;
    }

    private void refresh() {
        if (!refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.execute(statusChanged);
        } catch (RejectedExecutionException e) {
            refreshQueued.set(false); // the node has stopped: there is no status to refresh
        }
    }

    /** On the loop: what the contributions show now, by source. A publish from here on asks for a new refresh. */
    Contributed read() {
        refreshQueued.set(false);
        List<Contributed.Shown> shown = new ArrayList<>();
        for (StatusContribution c : contributions) {
            shown.add(new Contributed.Shown(c.source(), c.snapshot()));
        }
        shown.sort(Comparator.comparing(Contributed.Shown::source));
        return new Contributed(List.copyOf(shown));
    }

    /** The snapshots of one status build, and the columns and notes they make. */
    record Contributed(List<Shown> shown) {
        record Shown(String source, Snapshot snapshot) {
        }

        /** The This SCADA Database column. */
        String database() {
            return column(s -> s.database().isEmpty() ? Optional.empty() : Optional.of(s.database()));
        }

        /** The Database column of the partner row with {@code symbol}. */
        String partnerDatabase(String symbol) {
            return column(s -> s.partnerDatabase(symbol));
        }

        /** One contribution's text as it is; several, each with its source, in source order. */
        private String column(Function<Snapshot, Optional<String>> value) {
            List<String> said = new ArrayList<>();
            String only = null;
            for (Shown s : shown) {
                Optional<String> v = value.apply(s.snapshot());
                if (v.isPresent()) {
                    only = v.get();
                    said.add(s.source() + ": " + v.get());
                }
            }
            return said.isEmpty() ? PartnerStatus.NOT_INSTALLED : said.size() == 1 ? only : String.join("; ", said);
        }

        /** Whether any contribution finds the partner with {@code symbol} out of step. */
        boolean partnerNotVerified(String symbol) {
            return shown.stream().anyMatch(s -> s.snapshot().partnerNotVerified(symbol));
        }

        /** Every contribution's on-demand lines, by source (those that offer any). */
        Map<String, List<String>> details() {
            Map<String, List<String>> details = new TreeMap<>();
            for (Shown s : shown) {
                if (!s.snapshot().details().isEmpty()) {
                    details.put(s.source(), s.snapshot().details());
                }
            }
            return details;
        }

        /** Every contribution's notes, each with its source. */
        List<String> notes() {
            List<String> notes = new ArrayList<>();
            for (Shown s : shown) {
                for (String n : s.snapshot().notes()) {
                    notes.add(s.source() + ": " + n);
                }
            }
            return notes;
        }

        /** How many clients the contributions count (each at least the clients it names). */
        int clientCount() {
            return shown.stream().mapToInt(s -> s.snapshot().clientCount()).sum();
        }

        /** Every contribution's client names, each "SOURCE NAME", in source order. */
        List<String> clients() {
            List<String> clients = new ArrayList<>();
            for (Shown s : shown) {
                for (String c : s.snapshot().clients()) {
                    clients.add(s.source() + " " + c);
                }
            }
            return clients;
        }

        List<String> sources() {
            return shown.stream().map(Shown::source).toList();
        }
    }
}
