package scada.redundancy.ops.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleListener;

/**
 * Role-change hooks: a command of the operator's choice run when this server starts serving the
 * plant (promotion: it becomes primary or standalone) and when it stops (demotion: backup, fault,
 * or the graceful stop of a primary), e.g. to move a virtual IP address with {@code ip addr
 * add/del} for clients that cannot follow ServiceLevel. Settings (Config Admin PID
 * {@code scada.redundancy.server}): {@code hook.promote}, {@code hook.demote} (the commands;
 * empty: none) and {@code hook.timeoutMs} (default 30000).
 * <p>
 * Each command runs through a {@link HookRunner} (one at a time, in order, a bounded backlog, the
 * timeout, output and exit code in the log) with {@code DUPLEX_ROLE} (the new role),
 * {@code DUPLEX_PREVIOUS_ROLE}, {@code DUPLEX_TERM}, {@code DUPLEX_SYMBOL} (this server),
 * {@code DUPLEX_CAUSE} (e.g. {@code timeout}, {@code graceful-handover}, {@code shutdown}) and
 * {@code DUPLEX_PEER} (the partner involved, or empty) in its environment. As a
 * {@link RoleListener} it hears role changes on the runtime's dispatcher thread, after the change
 * took effect: a hook never delays it.
 * <p>
 * When this component starts while the server already serves (the runtime replays the current
 * role to a new listener), the promotion command runs once. On SIGTERM, the primary's hand-over
 * makes it a backup and the demotion command runs before the JVM ends (its shutdown hook waits up
 * to the hook timeout for it). A server that crashed while primary runs no demotion: remove the
 * address before it starts again (the systemd example's {@code ExecStartPre}).
 */
@Component(configurationPid = "scada.redundancy.server", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RoleListener.class, immediate = true)
public final class RoleHooks implements RoleListener {
    /** Waiting commands beyond this many: the oldest is skipped. */
    static final int BACKLOG = 4;
    /** How long a stopping primary may take to hand over before its demotion is no longer waited for (the runtime's own bound is 3 s). */
    static final long HAND_OVER_WAIT_MS = 5000;

    /** The settings this component reads from the server's configuration. */
    public @interface Settings {
        String hook_promote() default "";

        String hook_demote() default "";

        long hook_timeoutMs() default 30_000;
    }

    @Reference
    private RedundancyService redundancy;

    private List<String> promote;
    private List<String> demote;
    private HookRunner runner;
    private ShutdownHook shutdownHook;
    /** Guards lastRole; notified on each role heard. */
    private final Object lock = new Object();
    /** The role last heard, null before the first. */
    private Role lastRole;

    @Activate
    void activate(Settings settings) {
        promote = command("hook.promote", settings.hook_promote());
        demote = command("hook.demote", settings.hook_demote());
        if (promote == null && demote == null) {
            return;
        }
        long timeoutMs = settings.hook_timeoutMs();
        if (timeoutMs < 1) {
            OpsLog.log("hook", "ERROR hook.timeoutMs=" + timeoutMs + " is not a positive number of ms: using 30000");
            timeoutMs = 30_000;
        }
        runner = new HookRunner(Duration.ofMillis(timeoutMs), BACKLOG, line -> OpsLog.log("hook", line));
        long waitMs = timeoutMs;
        shutdownHook = ShutdownHook.add("duplex-hooks-stopping", () -> finishOnStop(waitMs));
        OpsLog.log("hook", "role-change hooks: on promotion " + (promote == null ? "none" : String.join(" ", promote))
                + "; on demotion " + (demote == null ? "none" : String.join(" ", demote)) + "; timeout " + timeoutMs + " ms");
    }

    /** The command split into words, or null when none is set or it cannot be split (logged). */
    private static List<String> command(String name, String setting) {
        if (setting == null || setting.isBlank()) {
            return null;
        }
        try {
            return HookCommand.parse(setting);
        } catch (IllegalArgumentException e) {
            OpsLog.log("hook", "ERROR " + name + " is not run: " + e.getMessage());
            return null;
        }
    }

    @Deactivate
    void deactivate() {
        if (shutdownHook != null) {
            shutdownHook.remove();
        }
        if (runner != null) {
            runner.close();
        }
    }

    /**
     * On SIGTERM: waits (bounded) for a primary's hand-over to make it a backup, then for the
     * demotion command to finish, so the virtual address leaves with the role.
     */
    private void finishOnStop(long hookTimeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HAND_OVER_WAIT_MS);
        synchronized (lock) {
            while (lastRole != null && lastRole.servesPlant() && deadline - System.nanoTime() > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, deadline - System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        if (!runner.awaitIdle(hookTimeoutMs + 1000)) {
            OpsLog.log("hook", "the server stops while a hook still runs");
        }
    }

    @Override
    public void roleChanged(RoleChange change) {
        if (runner == null) {
            return;
        }
        synchronized (lock) {
            // The first change heard may be the runtime's replay of the current role (from == to).
            boolean wasServing = lastRole != null ? lastRole.servesPlant()
                    : change.from() != change.to() && change.from().servesPlant();
            boolean serving = change.to().servesPlant();
            // Queued under the lock with the role: a stopping server's shutdown hook that sees the
            // demotion also sees its command waiting.
            if (serving && !wasServing && promote != null) {
                runner.submit(hook("promote", promote, change));
            } else if (!serving && wasServing && demote != null) {
                runner.submit(hook("demote", demote, change));
            }
            lastRole = change.to();
            lock.notifyAll();
        }
    }

    private HookRunner.Hook hook(String kind, List<String> command, RoleChange change) {
        String symbol = redundancy.configuration().thisScada().symbol();
        return new HookRunner.Hook(kind + " (term " + change.term() + ")", command,
                Map.of("DUPLEX_ROLE", change.to().jsonName(), "DUPLEX_PREVIOUS_ROLE", change.from().jsonName(),
                        "DUPLEX_TERM", Long.toString(change.term()), "DUPLEX_SYMBOL", symbol,
                        "DUPLEX_CAUSE", change.cause().jsonName(), "DUPLEX_PEER", change.peer()));
    }
}
