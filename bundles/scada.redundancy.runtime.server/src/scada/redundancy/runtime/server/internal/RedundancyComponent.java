package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.ChannelListener;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.HealthReporter;
import scada.redundancy.runtime.PartnerChannels;
import scada.redundancy.runtime.PrimaryRole;
import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleListener;
import scada.redundancy.runtime.StatusContribution;
import scada.redundancy.runtime.StatusListener;
import scada.redundancy.runtime.VerifyResult;

/**
 * The redundancy service of a runtime server, a Declarative Services component configured
 * through Config Admin (PID {@value #PID}, see {@link Settings}): it exists while a configuration
 * exists, and SCR registers its three services — {@link RedundancyService},
 * {@link PartnerChannels} and {@link HealthReporter} — only once the node runs. The launcher's
 * {@code -Dduplex.*} properties become that configuration through {@link LaunchConfiguration};
 * any other Config Admin source (a management agent, a test) works the same. The configuration
 * file it names is watched: a changed file is applied without a restart, all or nothing.
 * Changing the Config Admin configuration itself (another file, address or data directory)
 * restarts the service: the primary hands over first.
 * <p>
 * Role changes reach the {@link PrimaryRole} service and {@link RoleListener}s through
 * {@link RoleServices}, channel messages reach {@link ChannelListener}s through
 * {@link ChannelDispatch}: never on the link's thread, and no listener holds up another. Log
 * lines go out through a {@link LogWriter}, so output that nobody reads never stops the
 * redundancy loop; a {@link LoopFence} withdraws PrimaryRole when that loop stalls.
 * <p>
 * The launcher owns the process: when the node cannot start, the component logs the ERROR and
 * fails its activation (so no service appears); with {@code exitOnError} it also sets the system
 * property {@value #EXIT_CODE_PROPERTY} to {@value #START_FAILED} and stops the framework, and the
 * launcher exits with that code.
 */
@Component(configurationPid = RedundancyComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { RedundancyService.class, PartnerChannels.class, HealthReporter.class }, immediate = true)
public final class RedundancyComponent implements RedundancyService, PartnerChannels, HealthReporter {
    /** The Config Admin PID of the server's settings. */
    public static final String PID = "scada.redundancy.server";

    /** The server's settings: the properties of the Config Admin configuration {@value RedundancyComponent#PID}. */
    public @interface Settings {
        /** The configuration file (required); watched and applied on change. */
        String config();

        /** The IP address to listen on. */
        String bind() default "127.0.0.1";

        /** The data directory: term, identity, approved certificates. */
        String data() default "duplex-data";

        /** The SCADA project directory whose fingerprint partners compare; empty for none. */
        String project() default "";

        /** Stop the framework with exit code 3 when the node cannot start (a launched server process). */
        boolean exitOnError() default false;
    }

    /** The system property through which the launcher learns the exit code (see ServerLauncher in the CLI). */
    static final String EXIT_CODE_PROPERTY = "duplex.exitCode";
    /** The exit code of a server that could not start. */
    static final int START_FAILED = 3;
    /** Lines waiting for standard output; beyond this many they are dropped and counted. */
    static final int LOG_LINES_QUEUED = 10_000;
    private static final LogWriter LOG = new LogWriter(System.out, LOG_LINES_QUEUED, "duplex-log");

    /** Channel messages and wake-ups, one lane per channel (see ChannelDispatch). */
    private final ChannelDispatch channels = new ChannelDispatch(RedundancyComponent::log);
    /** Made before any reference is bound: SCR binds listeners that already exist before it activates. */
    private final RoleServices roleServices;
    /** Bound before activate as well as after: the node reads them from its start on. */
    private final StatusContributions contributions = new StatusContributions();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private RedundancyNode node;
    private LoopFence fence;
    private Thread shutdownHook;
    private WatchService watcher;
    private DeploymentReceiver deployments;

    @Activate
    public RedundancyComponent(BundleContext context) {
        this.roleServices = new RoleServices(context, RedundancyComponent::log);
    }

    @Activate
    void activate(BundleContext context, Settings settings) {
        Path configFile = Path.of(settings.config()).toAbsolutePath();
        Path data = Path.of(settings.data()).toAbsolutePath();
        String project = settings.project();
        try {
            RedundancyConfiguration config = ConfigurationFile.read(configFile);
            node = RedundancyNode.start(new RedundancyNode.Settings(settings.bind(), data,
                    project.isBlank() ? null : Path.of(project), contributions), config, new NodeEvents());
        } catch (ConfigurationReadException | IOException | IllegalArgumentException e) {
            log("ERROR " + e.getMessage());
            if (settings.exitOnError()) {
                stopFramework(context); // a server that cannot do its job must not look alive
            }
            channels.close();
            roleServices.close();
            stopped.set(true);
            // SCR then registers none of the services; the reason is in the line above.
            throw new IllegalStateException("the redundancy service could not start: " + e.getMessage(), e);
        }
        fence = LoopFence.watch(node, roleServices, RedundancyComponent::log);
        shutdownHook = new Thread(this::stop, "duplex-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        watch(configFile);
        deployments = new DeploymentReceiver(node, configFile, project.isBlank() ? null : Path.of(project).toAbsolutePath(),
                this::reload);
        node.acceptDeployments(deployments);
    }

    /**
     * Asks the framework to stop with {@link #START_FAILED} for the launcher, on a thread of its own
     * (the framework cannot stop from within this activation); the ERROR line is written first.
     */
    private static void stopFramework(BundleContext context) {
        System.setProperty(EXIT_CODE_PROPERTY, Integer.toString(START_FAILED));
        Thread t = new Thread(() -> {
            LOG.drain(2000);
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException | SecurityException e) {
                log("cannot stop the framework after the start failure: " + e.getMessage());
            }
        }, "duplex-stop-framework");
        t.setDaemon(true);
        t.start();
    }

    @Deactivate
    void deactivate() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs stop()
            }
        }
        stop();
    }

    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        log("stopping: " + node.status().symbol() + " hands over if it is primary");
        node.shutdown(Duration.ofSeconds(3));
        fence.close(); // after the shutdown: a loop that stalls while handing over is still fenced
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (deployments != null) {
            deployments.close();
        }
        channels.close();
        roleServices.close();
        log("stopped");
        LOG.drain(1000); // the JVM may end right after this (SIGTERM): the last lines go out first
    }

    /** Applies a changed configuration file without a restart; a bad file is reported and not applied. */
    private void watch(Path configFile) {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            configFile.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            log("cannot watch " + configFile + " for changes: " + e.getMessage());
            return;
        }
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    WatchKey key = watcher.take();
                    boolean ours = key.pollEvents().stream()
                            .anyMatch(ev -> configFile.getFileName().equals(ev.context()));
                    key.reset();
                    if (ours) {
                        reload(configFile);
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // stopping
            }
        }, "duplex-config-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads the configuration file and puts it in force: the one path for an edited file and a
     * deployment ({@link DeploymentReceiver}).
     *
     * @return null once applied, else why not (also shown in the status)
     */
    private String reload(Path configFile) {
        String why;
        try {
            scada.redundancy.model.LoadedConfiguration loaded = ConfigurationFile.readWithLocations(configFile);
            scada.redundancy.model.ValidationReport report = node.validate(loaded.configuration());
            if (report.hasErrors()) {
                // Every error with its line and field, like `check`; nothing of the file is applied.
                why = report.errors().stream().map(p -> loaded.describe(configFile, p))
                        .collect(java.util.stream.Collectors.joining("; "));
            } else {
                node.applyConfiguration(loaded.configuration()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                return null;
            }
        } catch (ConfigurationReadException e) {
            why = e.getMessage();
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            why = c.getMessage();
        }
        node.configurationNotApplied(why);
        return why;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRoleListener(RoleListener l) {
        roleServices.addRoleListener(l);
    }

    void removeRoleListener(RoleListener l) {
        roleServices.removeRoleListener(l);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStatusListener(StatusListener l) {
        roleServices.addStatusListener(l);
    }

    void removeStatusListener(StatusListener l) {
        roleServices.removeStatusListener(l);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addChannelListener(ChannelListener l, java.util.Map<String, Object> properties) {
        Object channel = properties.get(ChannelListener.CHANNEL_PROPERTY);
        if (channel == null) {
            log("a ChannelListener without the " + ChannelListener.CHANNEL_PROPERTY + " property is ignored: " + l);
            return;
        }
        channels.addListener(l, channel.toString());
    }

    void removeChannelListener(ChannelListener l) {
        channels.removeListener(l);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStatusContribution(StatusContribution c) {
        contributions.add(c);
    }

    void removeStatusContribution(StatusContribution c) {
        contributions.remove(c);
    }

    /** Returns at once: the line is written by the log's own thread, or dropped and counted. */
    static void log(String line) {
        LOG.log(line);
    }

    /** The node's news, handed to the dispatcher at once. */
    private final class NodeEvents implements RedundancyNode.Listener {
        @Override
        public CompletionStage<Void> roleChanged(RoleChange change, Role role, long term) {
            return roleServices.roleChanged(change, role, term);
        }

        @Override
        public void statusChanged(RedundancyStatus status) {
            roleServices.statusChanged(status);
        }

        @Override
        public void log(String line) {
            RedundancyComponent.log(line);
        }

        @Override
        public void channelMessage(String partner, String channel, byte[] message, Runnable consumed) {
            channels.message(partner, channel, message, consumed);
        }

        /** Reaches only the listeners of {@code channel}. */
        @Override
        public void channelWritable(String partner, String channel) {
            channels.writable(partner, channel);
        }
    }

    // The services' faces: SCR registers them only after activate has started the node.

    @Override
    public RedundancyStatus status() {
        return node.status();
    }

    @Override
    public CompletionStage<ConnectResult> tryToConnect(String partnerSymbol, Duration timeout) {
        return node.tryToConnect(partnerSymbol, timeout);
    }

    @Override
    public CompletionStage<VerifyResult> verify(String partnerSymbol, Duration timeout) {
        return node.verify(partnerSymbol, timeout);
    }

    @Override
    public CompletionStage<String> handOver(Duration timeout) {
        return node.handOver(timeout);
    }

    @Override
    public CompletionStage<Void> applyConfiguration(RedundancyConfiguration configuration) {
        return node.applyConfiguration(configuration);
    }

    @Override
    public RedundancyConfiguration configuration() {
        return node.configuration();
    }

    @Override
    public boolean offer(String partnerSymbol, String channel, byte[] message) {
        return node.offer(partnerSymbol, channel, message);
    }

    @Override
    public void report(String source, int weight, String reason) {
        node.reportHealth(source, weight, reason);
    }
}
