package scada.redundancy.runtime.server.internal;

import java.util.ArrayDeque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.netty.util.concurrent.DefaultThreadFactory;
import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleListener;
import scada.redundancy.runtime.StatusListener;

/**
 * How role-aware services follow the role, never on the link's thread, and without any one of
 * them holding up the others.
 * <p>
 * <b>PrimaryRole</b> has its own thread. It applies the latest role it was given: if roles come
 * faster than it can register and unregister, the ones in between are skipped (a
 * primary&rarr;backup&rarr;primary burst may leave the service registered throughout), but once
 * the changes stop the service is registered exactly if the last role serves the plant. The stage
 * {@link #roleChanged} returns completes once the service reflects that role or a later one. At
 * most one follow task is queued at a time, so the queue is bounded by construction.
 * <p>
 * <b>Listeners</b> each have their own serial lane: a {@link RoleListener} hears the changes in
 * order from a backlog of at most {@value #ROLE_BACKLOG}; when it falls further behind (slow or
 * stuck), the backlog is dropped, it hears the newest change next, and the log says so once with
 * the count it missed. A {@link StatusListener} keeps only the latest status, so it always ends
 * with the latest one. A lane runs on a thread of a shared pool only while it has work (one task
 * per lane at most), so the threads in use never exceed the number of listeners with work, a
 * stuck listener holds only its own thread, and idle threads end after {@value #IDLE_SECONDS} s.
 * A listener registered later first hears the current role as a change from itself, and the
 * latest status.
 * <p>
 * <b>Fencing</b>: {@link #fence} withdraws PrimaryRole at once while the role is kept (the
 * redundancy thread stalled, and a backup may soon take over); role changes are still followed
 * meanwhile, but PrimaryRole stays away until {@link #unfence} puts the latest role back in force.
 * Role listeners are not told: a fence is not a role change.
 * <p>
 * After {@link #close} PrimaryRole is unregistered and everything else is ignored quietly.
 */
final class RoleServices {
    static final int ROLE_BACKLOG = 64;
    static final int IDLE_SECONDS = 10;

    private final BundleContext context;
    private final Consumer<String> log;
    private final ThreadPoolExecutor follower;
    private final ThreadPoolExecutor lanes;

    /** Guards {@link #target}, {@link #following}, {@link #told}, {@link #fenced} and {@link #closed}. */
    private final Object followLock = new Object();
    /** The role PrimaryRole must reach next, or null when it is up to date. */
    private Target target;
    /** A follow task is queued or running. */
    private boolean following;
    /** The latest role and term given to {@link #roleChanged}: what {@link #unfence} puts back in force. */
    private Target told = new Target(Role.BACKUP, 0, null);
    /** PrimaryRole is withheld whatever the role (see {@link #fence}). */
    private boolean fenced;
    private volatile boolean closed;

    /** Touched on the follower thread only. */
    private ServiceRegistration<PrimaryRole> primary;
    /** Touched on the follower thread only. */
    private PrimaryRoleService primaryService;

    /** Guards the listener maps, {@link #current} and {@link #latestStatus}, so that a new lane's first item precedes later ones. */
    private final Object fanOut = new Object();
    private final Map<RoleListener, Lane<RoleChange>> roleLanes = new IdentityHashMap<>();
    private final Map<StatusListener, Lane<RedundancyStatus>> statusLanes = new IdentityHashMap<>();
    private RoleChange current;
    private RedundancyStatus latestStatus;

    private record Target(Role role, long term, CompletableFuture<Void> done) {
    }

    RoleServices(BundleContext context, Consumer<String> log) {
        this.context = context;
        this.log = log;
        // Bounded by `following`: at most one follow task waits, plus the one running.
        this.follower = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(2),
                new DefaultThreadFactory("duplex-primary-role", true));
        follower.allowCoreThreadTimeOut(true);
        // Bounded by the lanes: each submits itself at most once at a time.
        this.lanes = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new DefaultThreadFactory("duplex-listeners", true));
    }

    /** @return completes once PrimaryRole reflects {@code role} or a later one (the listeners are not waited for) */
    CompletionStage<Void> roleChanged(RoleChange change, Role role, long term) {
        CompletableFuture<Void> done;
        synchronized (followLock) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            // Roles not yet applied are replaced by this one and complete with it.
            done = target != null ? target.done : new CompletableFuture<>();
            target = new Target(role, term, done);
            told = target;
            followLater();
        }
        synchronized (fanOut) {
            current = change;
            roleLanes.values().forEach(lane -> lane.offer(change));
        }
        return done.copy();
    }

    /**
     * Withdraws PrimaryRole at once if the latest role serves the plant, and keeps it withdrawn
     * until {@link #unfence}: the redundancy thread has stalled and a backup may take over soon,
     * so this server's role-aware services must stop acting now. Never blocks.
     *
     * @return null when the latest role does not serve the plant (nothing to withdraw; a backup
     *         is never touched), else completes once PrimaryRole is gone
     */
    CompletionStage<Void> fence() {
        synchronized (followLock) {
            if (closed || fenced || !told.role().servesPlant()) {
                return null;
            }
            fenced = true;
            return reapplyLatest().copy();
        }
    }

    /**
     * Ends a fence: PrimaryRole follows the latest role again (registered if it still serves the
     * plant after the stall, as the node decided meanwhile). Never blocks.
     *
     * @return false when there was no fence
     */
    boolean unfence() {
        synchronized (followLock) {
            if (closed || !fenced) {
                return false;
            }
            fenced = false;
            reapplyLatest();
            return true;
        }
    }

    /** Makes the follower apply the latest role again (with the fence as it is now). Under followLock. */
    private CompletableFuture<Void> reapplyLatest() {
        CompletableFuture<Void> done = target != null ? target.done : new CompletableFuture<>();
        target = new Target(told.role(), told.term(), done);
        followLater();
        return done;
    }

    /** Queues the follow task unless it is queued or running. Under followLock. */
    private void followLater() {
        if (!following) {
            following = true;
            follower.execute(this::followLatest);
        }
    }

    void statusChanged(RedundancyStatus status) {
        if (closed) {
            return;
        }
        synchronized (fanOut) {
            latestStatus = status;
            statusLanes.values().forEach(lane -> lane.offer(status));
        }
    }

    void addRoleListener(RoleListener l) {
        if (closed) {
            return;
        }
        synchronized (fanOut) {
            Lane<RoleChange> lane = new Lane<>("role listener " + l, l::roleChanged, ROLE_BACKLOG);
            roleLanes.put(l, lane);
            if (current != null) {
                lane.offer(new RoleChange(current.atMillis(), current.to(), current.to(), current.term(),
                        current.cause(), current.peer(), current.lastHeartbeatAtMillis(), current.detectedAtMillis(),
                        current.becamePrimaryAtMillis(), current.failoverMs(), current.detail()));
            }
        }
    }

    void removeRoleListener(RoleListener l) {
        Lane<RoleChange> lane;
        synchronized (fanOut) {
            lane = roleLanes.remove(l);
        }
        if (lane != null) {
            lane.remove();
        }
    }

    void addStatusListener(StatusListener l) {
        if (closed) {
            return;
        }
        synchronized (fanOut) {
            Lane<RedundancyStatus> lane = new Lane<>("status listener " + l, l::statusChanged, 1);
            statusLanes.put(l, lane);
            if (latestStatus != null) {
                lane.offer(latestStatus);
            }
        }
    }

    void removeStatusListener(StatusListener l) {
        Lane<RedundancyStatus> lane;
        synchronized (fanOut) {
            lane = statusLanes.remove(l);
        }
        if (lane != null) {
            lane.remove();
        }
    }

    /** The follow task: applies the latest target until there is none. */
    private void followLatest() {
        while (true) {
            Target t;
            boolean serve;
            synchronized (followLock) {
                t = target;
                target = null;
                if (t == null) {
                    following = false;
                    return;
                }
                serve = t.role().servesPlant() && !fenced;
            }
            try {
                follow(serve, t.role(), t.term());
            } catch (RuntimeException e) {
                log.accept("PrimaryRole could not follow the role " + t.role().jsonName() + ": " + e);
            } finally {
                t.done().complete(null);
            }
        }
    }

    /** @param serve PrimaryRole must exist: the role serves the plant and no fence holds it back */
    private void follow(boolean serve, Role role, long term) {
        if (serve && primary == null) {
            primaryService = new PrimaryRoleService(role, term);
            primary = context.registerService(PrimaryRole.class, primaryService, primaryService.properties());
        } else if (serve && (primaryService.role != role || primaryService.term != term)) {
            // Still serving the plant (a skipped backup in between, or standalone <-> primary):
            // the services keep running and see the new term and role.
            primaryService.role = role;
            primaryService.term = term;
            try {
                primary.setProperties(primaryService.properties());
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
        } else if (!serve && primary != null) {
            try {
                primary.unregister();
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
            primary = null;
            primaryService = null;
        }
    }

    /**
     * Unregisters PrimaryRole (the server no longer serves the plant), then stops: later calls are
     * ignored quietly. Waits up to 2 s for PrimaryRole; listeners still running are left to finish.
     */
    void close() {
        synchronized (followLock) {
            if (closed) {
                return;
            }
            closed = true;
            CompletableFuture<Void> done = target != null ? target.done : new CompletableFuture<>();
            target = new Target(Role.BACKUP, 0, done);
            followLater();
        }
        follower.shutdown();
        lanes.shutdown();
        try {
            if (!follower.awaitTermination(2, TimeUnit.SECONDS)) {
                log.accept("PrimaryRole did not stop within 2 s: a service bound to it is still stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The registered service; role and term change in place while the server keeps serving the plant. */
    private static final class PrimaryRoleService implements PrimaryRole {
        volatile Role role;
        volatile long term;

        PrimaryRoleService(Role role, long term) {
            this.role = role;
            this.term = term;
        }

        @Override
        public long term() {
            return term;
        }

        @Override
        public Role role() {
            return role;
        }

        Dictionary<String, Object> properties() {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("term", term);
            props.put("role", role.jsonName());
            return props;
        }
    }

    /**
     * One listener's serial lane: items in order from a backlog of at most {@code capacity}
     * (capacity 1: only the latest, silently). Runs on the shared pool while it has items.
     */
    private final class Lane<T> implements Runnable {
        private final String name;
        private final Consumer<T> deliver;
        private final int capacity;
        /** Guarded by this lane. */
        private final ArrayDeque<T> backlog = new ArrayDeque<>();
        /** A task for this lane is queued or running; guarded by this lane. */
        private boolean scheduled;
        private boolean removed;
        /** Items dropped since the listener last returned; guarded by this lane. */
        private long missed;

        Lane(String name, Consumer<T> deliver, int capacity) {
            this.name = name;
            this.deliver = deliver;
            this.capacity = capacity;
        }

        void offer(T item) {
            boolean start;
            boolean fellBehind = false;
            synchronized (this) {
                if (removed) {
                    return;
                }
                if (backlog.size() >= capacity) {
                    if (capacity > 1) {
                        fellBehind = missed == 0;
                        missed += backlog.size();
                    }
                    backlog.clear();
                }
                backlog.addLast(item);
                start = !scheduled;
                scheduled = true;
            }
            if (fellBehind) {
                log.accept(name + " is " + capacity + " changes behind (slow or stuck): it will hear the newest change next");
            }
            if (start) {
                submit();
            }
        }

        void remove() {
            synchronized (this) {
                removed = true;
                backlog.clear();
            }
        }

        private void submit() {
            try {
                lanes.execute(this);
            } catch (RejectedExecutionException e) {
                synchronized (this) { // closed: nothing more is delivered
                    scheduled = false;
                }
            }
        }

        /** Delivers until the backlog is empty: the lane keeps its thread while it has work. */
        @Override
        public void run() {
            while (true) {
                T item;
                long missedNow;
                synchronized (this) {
                    item = backlog.pollFirst();
                    missedNow = missed;
                    missed = 0;
                    if (item == null) {
                        scheduled = false;
                        return;
                    }
                }
                if (missedNow > 0) {
                    log.accept(name + " missed " + missedNow + " changes while it was busy; it hears the newest now");
                }
                try {
                    deliver.accept(item);
                } catch (RuntimeException | LinkageError e) { // LinkageError: the listener's bundle went away
                    log.accept(name + " failed: " + e);
                }
            }
        }
    }
}
