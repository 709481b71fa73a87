package scada.redundancy.runtime.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * How role-aware services follow the role: on one dispatcher thread, in order, never on the
 * link's thread. The {@link PrimaryRole} service is registered exactly while this server serves
 * the plant; {@link RoleListener}s hear every change (a late listener first hears the current
 * role); {@link StatusListener}s hear the latest status (changes may be coalesced).
 */
final class RoleServices {
    private final BundleContext context;
    private final Consumer<String> log;
    private final List<RoleListener> roleListeners = new CopyOnWriteArrayList<>();
    private final List<StatusListener> statusListeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<RoleChange> current = new AtomicReference<>();
    private final AtomicReference<RedundancyStatus> pendingStatus = new AtomicReference<>();
    private final ThreadPoolExecutor dispatcher;
    /** Touched on the dispatcher thread only. */
    private ServiceRegistration<PrimaryRole> primary;

    RoleServices(BundleContext context, Consumer<String> log) {
        this.context = context;
        this.log = log;
        this.dispatcher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024),
                new DefaultThreadFactory("duplex-dispatch", true),
                (task, pool) -> log.accept("ERROR the role dispatcher is full (1024 pending); a listener is stuck"));
    }

    /** @return completes once PrimaryRole and the listeners have followed the change */
    CompletionStage<Void> roleChanged(RoleChange change, Role role, long term) {
        current.set(change);
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            dispatcher.execute(() -> {
                try {
                    follow(role, term);
                    for (RoleListener l : roleListeners) {
                        tell(l, change);
                    }
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null);
        }
        return done;
    }

    void statusChanged(RedundancyStatus status) {
        if (statusListeners.isEmpty()) {
            return;
        }
        if (pendingStatus.getAndSet(status) == null) {
            try {
                dispatcher.execute(() -> {
                    RedundancyStatus latest = pendingStatus.getAndSet(null);
                    for (StatusListener l : statusListeners) {
                        try {
                            l.statusChanged(latest);
                        } catch (RuntimeException e) {
                            log.accept("a status listener failed: " + e);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                pendingStatus.set(null);
            }
        }
    }

    void addRoleListener(RoleListener l) {
        roleListeners.add(l);
        RoleChange now = current.get();
        if (now != null) {
            try {
                dispatcher.execute(() -> tell(l, now));
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    void removeRoleListener(RoleListener l) {
        roleListeners.remove(l);
    }

    void addStatusListener(StatusListener l) {
        statusListeners.add(l);
    }

    void removeStatusListener(StatusListener l) {
        statusListeners.remove(l);
    }

    private void tell(RoleListener l, RoleChange change) {
        try {
            l.roleChanged(change);
        } catch (RuntimeException e) {
            log.accept("a role listener failed: " + e);
        }
    }

    private void follow(Role role, long term) {
        if (role.servesPlant() && primary == null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("term", term);
            props.put("role", role.jsonName());
            primary = context.registerService(PrimaryRole.class, new PrimaryRole() {
                @Override
                public long term() {
                    return term;
                }

                @Override
                public Role role() {
                    return role;
                }
            }, props);
        } else if (!role.servesPlant() && primary != null) {
            try {
                primary.unregister();
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
            primary = null;
        }
    }

    /** Unregisters PrimaryRole (the server no longer serves the plant) and stops the dispatcher. */
    void close() {
        try {
            dispatcher.execute(() -> follow(Role.BACKUP, 0));
        } catch (RejectedExecutionException e) {
            // already closed
        }
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
