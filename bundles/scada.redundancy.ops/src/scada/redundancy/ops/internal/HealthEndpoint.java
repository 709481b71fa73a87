package scada.redundancy.ops.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.StatusListener;

/**
 * The HTTP health endpoint for load balancers and virtual-IP managers (HAProxy {@code option
 * httpchk}, keepalived {@code HTTP_GET}): {@code GET /health} answers 200 on the server that serves
 * the plant and 503 on every other, with the role and term as JSON ({@link HealthAnswer}), on the
 * address the operator chose: the server's setting {@code health} (Config Admin PID
 * {@code scada.redundancy.server}, from {@code -Dduplex.health} or {@code --health}),
 * {@code ADDR:PORT}, {@code [IPv6]:PORT}, or {@code PORT} alone for the server's {@code bind}
 * address. Empty (the default): no endpoint.
 * <p>
 * <b>Never in the way of the redundancy loop.</b> It is a {@link StatusListener}: the runtime
 * hands it each new status on a dispatcher thread, and it only builds the answer and keeps it in a
 * field; requests read that field ({@link HealthServer}). Without the redundancy service (not
 * configured, or it could not start) it answers 503 {@code absent}; from SIGTERM on (its own
 * shutdown hook) 503 {@code stopping}, so a virtual-IP manager moves the address while the
 * primary hands over, not after.
 */
@Component(configurationPid = "scada.redundancy.server", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = StatusListener.class, immediate = true)
public final class HealthEndpoint implements StatusListener {
    /** The settings this component reads from the server's configuration. */
    public @interface Settings {
        String bind() default "127.0.0.1";

        /** {@code [ADDR:]PORT}; empty: no endpoint. */
        String health() default "";
    }

    /** Guards the three inputs below and the answer made from them. */
    private final Object lock = new Object();
    private boolean serviceBound;
    private RedundancyStatus latest;
    private boolean stopping;
    private Role sinceRole;
    private Instant since;
    private volatile HealthAnswer answer = HealthAnswer.absent();

    private HealthServer server;
    private ShutdownHook shutdownHook;

    @Activate
    void activate(Settings settings) {
        String setting = settings.health().strip();
        if (setting.isEmpty()) {
            return;
        }
        InetSocketAddress address;
        try {
            address = address(setting, settings.bind().strip());
        } catch (IllegalArgumentException e) {
            OpsLog.log("health", "ERROR no health endpoint: " + e.getMessage());
            return;
        }
        try {
            server = HealthServer.start(address, () -> answer);
        } catch (IOException e) {
            OpsLog.log("health", "ERROR no health endpoint: cannot listen on " + setting + ": " + e
                    + "; is another program using the port? Set --health (duplex.health)");
            return;
        }
        shutdownHook = ShutdownHook.add("duplex-health-stopping", () -> {
            synchronized (lock) {
                stopping = true;
                refresh();
            }
        });
        OpsLog.log("health", "endpoint at http://" + hostPort(server.address()) + HealthServer.PATH
                + " (200 while this server serves the plant, else 503)");
    }

    @Deactivate
    void deactivate() {
        if (shutdownHook != null) {
            shutdownHook.remove();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * {@code PORT}, {@code ADDR:PORT} or {@code [IPv6]:PORT}.
     *
     * @throws IllegalArgumentException naming the setting and what to write instead
     */
    static InetSocketAddress address(String setting, String bind) {
        String host = bind;
        String port = setting;
        int colon = setting.lastIndexOf(':');
        if (colon >= 0) {
            host = setting.substring(0, colon);
            port = setting.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("health=" + setting + ": give PORT, ADDR:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8080");
        }
        return new InetSocketAddress(host, p);
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The address it listens on, or null when off. */
    InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    @Override
    public void statusChanged(RedundancyStatus status) {
        synchronized (lock) {
            latest = status;
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRedundancy(RedundancyService service) {
        RedundancyStatus now = service.status(); // returns at once
        synchronized (lock) {
            serviceBound = true;
            if (latest == null) {
                latest = now;
            }
            refresh();
        }
    }

    void unbindRedundancy(RedundancyService service) {
        synchronized (lock) {
            serviceBound = false;
            latest = null;
            refresh();
        }
    }

    /** Under the lock: the answer from the inputs. */
    private void refresh() {
        if (!serviceBound) {
            answer = HealthAnswer.absent();
            return;
        }
        if (latest != null && latest.role() != sinceRole) {
            sinceRole = latest.role();
            since = roleSince(latest.roleChanges(), sinceRole);
        }
        answer = HealthAnswer.of(latest, since, stopping);
    }

    /** When the last recorded change to {@code role} happened; now when none is recorded (the first role). */
    private static Instant roleSince(List<RoleChange> changes, Role role) {
        if (!changes.isEmpty() && changes.get(changes.size() - 1).to() == role) {
            return Instant.ofEpochMilli(changes.get(changes.size() - 1).atMillis());
        }
        return Instant.now();
    }
}
