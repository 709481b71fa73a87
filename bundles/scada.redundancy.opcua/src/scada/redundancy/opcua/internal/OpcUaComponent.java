package scada.redundancy.opcua.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.SessionListener;
import org.eclipse.milo.opcua.sdk.server.api.config.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ApplicationType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.FindServersResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.server.EndpointConfiguration;
import org.eclipse.milo.opcua.stack.server.services.ServiceRequest;
import org.eclipse.milo.opcua.stack.server.security.DefaultServerCertificateValidator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValueListener;
import scada.redundancy.plant.TagValues;
import scada.redundancy.runtime.HealthReporter;
import scada.redundancy.runtime.RedundancyService;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.StatusListener;

/**
 * The OPC UA server of a runtime server (Eclipse Milo 0.6): the plant for OPC UA clients, with
 * the standard information of non-transparent redundancy (Part 4 §6.6.2) so that any OPC UA
 * client follows the primary: RedundancySupport (Cold or Warm), ServerUriArray (the other servers
 * of the set) and a ServiceLevel computed by {@link ServiceLevel} from the runtime's role and
 * health and the data's freshness ({@link PlantFreshness}) — read through the runtime's services,
 * pushed by its {@link StatusListener} calls, so a role change shows within one Period.
 * <p>
 * <b>The plant.</b> The project's tags are the variables of {@link TagNamespace}, fed by the
 * plant's {@link TagValues} service (the Modbus driver's): this component is a
 * {@link TagValueListener} (whiteboard) that only marks a changed tag and reads its current value
 * from the bound service on its own thread, so values from a project being replaced never
 * overwrite the new one's. A new project is a new {@code TagValues} service: the folder is rebuilt
 * from its tags. Without the service (no plant installed) the folder {@code Objects/Tags} is empty
 * and freshness does not count. (An earlier internal seam, {@code TagSource}, stood between the
 * two; it only restated {@code TagValues} with fewer status codes, so it went.)
 * <p>
 * <b>Finding the other servers.</b> FindServers, on every endpoint, answers this server's
 * ApplicationDescription and one per activated partner: application URI
 * {@code urn:duplex:scada:SYMBOL} (the values of ServerUriArray) and discovery URL
 * {@code opc.tcp://PARTNER_ADDRESS:PORT/discovery}, with the partner's address from the redundancy
 * configuration and this server's {@code opcua.port} (the same on every server of a set). The
 * discovery URL is the one path that accepts the unsecured channel GetEndpoints needs; the
 * session endpoint it returns is {@code opc.tcp://PARTNER_ADDRESS:PORT}. A client that knows one
 * server thus learns every partner's endpoint from standard services alone: read ServerUriArray,
 * then FindServers with those URIs, then GetEndpoints at each discovery URL.
 * <p>
 * <b>Clients.</b> The activated sessions are counted and named in the server's status through
 * {@link OpcUaClients} (the contribution "opcua").
 * <p>
 * It shares the server's Config Admin PID (it exists exactly while the server is configured) and
 * reads {@code bind}, {@code data}, {@code opcua.port} (default 4840; 0: no OPC UA server), {@code opcua.anonymous}
 * (default false) and {@code standby} ({@code cold}, the default, or {@code warm}).
 * <p>
 * <b>Security.</b> One endpoint, {@code opc.tcp://BIND:PORT}, SignAndEncrypt with
 * Basic256Sha256, whose server certificate is {@code DATA/opcua/server.p12} (made on first
 * start; {@code DATA/opcua/server.der} is its copy for clients' trust lists). A client's
 * application certificate must be in the trust list, {@code DATA/opcua/pki/trusted/certs}: a
 * refused one lands in {@code DATA/opcua/pki/rejected}, and moving it to trusted approves it (the
 * directory is watched: no restart). A session needs an X509 user identity whose certificate is in
 * the trust list too; anonymous sessions only with {@code opcua.anonymous=true}. Discovery
 * (GetEndpoints) is open on {@code opc.tcp://BIND:PORT/discovery}, as clients need it to learn
 * the endpoint's certificate.
 * <p>
 * <b>Maintenance.</b> {@code Server/RequestServerStateChange} with State Suspended puts the server
 * into maintenance (ServiceLevel 0, ServerStatus State Suspended, EstimatedReturnTime), Running
 * takes it out; only an <i>administrator</i> may call it: a session whose X509 user certificate's
 * SHA-256 fingerprint is a line of {@code DATA/opcua/administrators.txt} (read at each call). A
 * primary first hands over to a backup; see {@link #enterMaintenance}.
 * <p>
 * <b>Threads.</b> One thread, "duplex-opcua", owns every write to the address space: status
 * changes, tag changes and freshness are coalesced to it (at most one pending refresh, at most one
 * pending mark per tag), so no queue grows without bound and no caller — the plant's poll threads
 * included — waits for OPC UA. Freshness and the session list are judged again every second.
 */
@Component(configurationPid = "scada.redundancy.server", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { StatusListener.class, TagValueListener.class }, immediate = true)
public final class OpcUaComponent implements StatusListener, TagValueListener {
    /** The source of the health report while in maintenance. */
    static final String MAINTENANCE_SOURCE = "opcua-maintenance";
    /** Health 40 while in maintenance: below 50, so the runtime never elects it and partners show why. */
    static final int MAINTENANCE_WEIGHT = 60;
    static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait before trying again to start an OPC UA server that could not start. */
    static final long RETRY_MS = 10_000;
    /** How often freshness is judged again even without news (a source that went quiet). */
    private static final long TICK_MS = 1000;

    /** The settings this component reads from the server's configuration. */
    public @interface Settings {
        String bind() default "127.0.0.1";

        String data() default "duplex-data";

        int opcua_port() default 4840;

        boolean opcua_anonymous() default false;

        String standby() default "cold";
    }

    @Reference
    private RedundancyService redundancy;
    @Reference
    private HealthReporter health;
    @Reference
    private OpcUaClients clients;

    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "duplex-opcua");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "duplex-opcua-tick");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    /** Tags whose value changed since the owner thread last showed them: at most one entry per tag. */
    private final Set<String> changedTags = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean changesPending = new AtomicBoolean();

    private Path opcuaDir;
    private String bind;
    private int port;
    private boolean anonymous;
    private RedundancySupport support;
    private OpcUaIdentity identity;
    // Made, used and stopped on the owner thread; trustList is also read by Milo's threads.
    private volatile DefaultTrustListManager trustList;
    private OpcUaServer server;
    private ServerObject serverObject;
    private TagNamespace tags;

    /** The newest status heard; read by the owner thread. */
    private volatile RedundancyStatus status;
    private volatile ServerObject.Maintenance maintenance = ServerObject.Maintenance.OFF;
    /** The plant whose tags are shown; set by SCR's bind and unbind. */
    private volatile TagValues plant;
    /** When this server last became primary or standalone, null while it is not; the owner thread's. */
    private Instant servingSince;
    private final Object maintenanceLock = new Object();
    private volatile boolean stopping;

    @Activate
    void activate(Settings settings) {
        try {
            bind = settings.bind().strip();
            port = settings.opcua_port();
            anonymous = settings.opcua_anonymous();
            support = standby(settings.standby());
            opcuaDir = Path.of(settings.data()).toAbsolutePath().resolve("opcua");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("opcua.port " + port + " is not 1 to 65535 (or 0 for no OPC UA server):"
                        + " set -Dduplex.opcua.port");
            }
        } catch (RuntimeException e) {
            // SCR only records the failure in its DTOs: the server's log must say why clients find no endpoint.
            log("ERROR the OPC UA server cannot start: " + e.getMessage());
            throw e;
        }
        if (port == 0) {
            log("INFO no OPC UA server on this server (opcua.port=0)");
            return;
        }
        // Milo loads 2,000 nodes and binds its port on the owner thread: activation (on Config Admin's
        // thread, with the rest of the server waiting behind it) never waits for OPC UA.
        owner.execute(this::startServer);
        ticker.scheduleWithFixedDelay(this::requestRefresh, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * On the owner thread: makes and starts the Milo server. When it cannot (the port is taken by
     * another program, the data directory cannot be written), logs why and tries again every
     * {@value #RETRY_MS} ms; the redundancy service runs on meanwhile.
     */
    private void startServer() {
        if (stopping) {
            return;
        }
        try {
            RedundancyConfiguration config = redundancy.configuration();
            identity = OpcUaIdentity.loadOrCreate(opcuaDir, config.thisScada().symbol(), bind);
            Files.createDirectories(opcuaDir.resolve("pki"));
            trustList = new DefaultTrustListManager(opcuaDir.resolve("pki").toFile());
            server = new OpcUaServer(serverConfig(config));
            tags = new TagNamespace(server);
            tags.startup();
            try {
                server.startup().get(20, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new IOException("cannot listen on " + bind + ":" + port + ": " + cause
                        + "; is another program using the port? Set -Dduplex.opcua.port", cause);
            }
            serverObject = new ServerObject(server, support);
            serverObject.onRequestServerStateChange(new ServerStateChangeMethod(this), ServerStateChangeMethod.INPUTS);
            answerFindServers(server);
            server.getSessionManager().addSessionListener(new SessionListener() {
                @Override
                public void onSessionClosed(Session session) {
                    requestRefresh(); // activation has no event: the next tick shows a new session
                }
            });
            TagValues p = plant;
            if (p != null) {
                attach(p);
            }
            refresh();
            log("OPC UA server at " + endpointUrl() + " (SignAndEncrypt Basic256Sha256, " + (anonymous
                    ? "anonymous sessions allowed" : "no anonymous sessions") + "), application URI "
                    + identity.applicationUri() + ", RedundancySupport " + support + "; certificate fingerprint "
                    + OpcUaIdentity.fingerprint(identity.certificate()) + "; trust list " + opcuaDir.resolve("pki/trusted/certs"));
        } catch (Exception | LinkageError e) {
            log("ERROR the OPC UA server cannot start: " + e.getMessage() + "; trying again in " + RETRY_MS / 1000 + " s");
            stopServer();
            try {
                ticker.schedule(() -> owner.execute(this::startServer), RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // deactivated meanwhile
            }
        }
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        ticker.shutdownNow();
        try {
            owner.submit(this::stopServer).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("stopping the OPC UA server: " + e);
        }
        owner.shutdown();
        if (maintenance.on()) {
            health.report(MAINTENANCE_SOURCE, 0, "");
        }
    }

    /** On the owner thread: stops what {@link #startServer} made, if anything. */
    private void stopServer() {
        serverObject = null;
        clients.show(List.of());
        if (server != null) {
            try {
                server.shutdown().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log("stopping the OPC UA server: " + e);
            }
            server = null;
        }
        if (trustList != null) {
            try {
                trustList.close();
            } catch (IOException e) {
                log("closing the trust list: " + e);
            }
            trustList = null;
        }
    }

    static RedundancySupport standby(String setting) {
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "cold", "" -> RedundancySupport.Cold;
            case "warm" -> RedundancySupport.Warm;
            default -> throw new IllegalArgumentException("standby '" + setting + "' is neither cold nor warm: set -Dduplex.standby=cold or warm");
        };
    }

    private OpcUaServerConfig serverConfig(RedundancyConfiguration config) {
        UserTokenPolicy certificateToken = new UserTokenPolicy("certificate", UserTokenType.Certificate, null, null,
                SecurityPolicy.Basic256Sha256.getUri());
        EndpointConfiguration.Builder secure = EndpointConfiguration.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(bind).setHostname(bind).setBindPort(port).setPath("")
                .setCertificate(identity.certificate())
                .setSecurityPolicy(SecurityPolicy.Basic256Sha256).setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                .addTokenPolicy(certificateToken);
        if (anonymous) {
            secure.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
        }
        EndpointConfiguration discovery = EndpointConfiguration.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(bind).setHostname(bind).setBindPort(port).setPath("/discovery")
                .setCertificate(identity.certificate())
                .setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                .build();
        List<IdentityValidator<Object>> validators = new ArrayList<>();
        if (anonymous) {
            validators.add(cast(AnonymousIdentityValidator.INSTANCE));
        }
        validators.add(cast(new X509IdentityValidator(this::isTrusted)));
        String symbol = config.thisScada().symbol();
        return OpcUaServerConfig.builder()
                .setApplicationUri(identity.applicationUri())
                .setApplicationName(LocalizedText.english("Duplex " + symbol))
                .setProductUri("urn:duplex:scada")
                .setBuildInfo(new BuildInfo("urn:duplex:scada", "Duplex", "Duplex SCADA runtime", OpcUaServer.SDK_VERSION,
                        "", DateTime.now()))
                .setEndpoints(Set.of(secure.build(), discovery))
                .setCertificateManager(new DefaultCertificateManager(identity.keyPair(), identity.certificate()))
                .setTrustListManager(trustList)
                .setCertificateValidator(new DefaultServerCertificateValidator(trustList))
                .setIdentityValidator(new CompositeValidator<>(validators))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static IdentityValidator<Object> cast(IdentityValidator<?> v) {
        return (IdentityValidator<Object>) v;
    }

    /** A user certificate is accepted when it is in the trust list, as application certificates are. */
    private boolean isTrusted(X509Certificate certificate) {
        DefaultTrustListManager t = trustList;
        return t != null && t.getTrustedCertificates().contains(certificate);
    }

    /** Whether the session's user is an administrator: its certificate's fingerprint is listed in administrators.txt. */
    boolean isAdministrator(Object identity) {
        if (!(identity instanceof X509Certificate certificate)) {
            return false;
        }
        Path file = opcuaDir.resolve("administrators.txt");
        try {
            if (!Files.exists(file)) {
                return false;
            }
            Set<String> admins = new HashSet<>();
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    admins.add(l.split("\\s+")[0].replace(":", "").toLowerCase(Locale.ROOT));
                }
            }
            return admins.contains(OpcUaIdentity.fingerprint(certificate));
        } catch (IOException e) {
            log("cannot read " + file + ": " + e.getMessage() + "; no session is an administrator until it can be read");
            return false;
        }
    }

    String endpointUrl() {
        return "opc.tcp://" + bind + ":" + port;
    }

    // ------------------------------------------------------------ maintenance

    /**
     * Puts this server into maintenance: a primary first hands over to a backup (and stays out of
     * maintenance, refusing, when none can take over: the plant would lose its server), then the
     * ServiceLevel drops to 0, ServerStatus shows Suspended with the estimated return, and the
     * health report (weight {@value #MAINTENANCE_WEIGHT}) keeps the runtime from electing this
     * server — or giving it the role back by fail-back — until maintenance ends. A standalone
     * server (redundancy off) has no one to hand over to and goes into maintenance as asked.
     *
     * @throws IllegalStateException when the hand-over fails, with the reason
     */
    void enterMaintenance(Instant estimatedReturn, String reason) throws InterruptedException {
        synchronized (maintenanceLock) {
            RedundancyStatus s = redundancy.status();
            if (s.role() == Role.PRIMARY) {
                try {
                    String successor = redundancy.handOver(HAND_OVER_TIMEOUT).toCompletableFuture()
                            .get(HAND_OVER_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    log("maintenance: handed the primary role over to " + successor);
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    throw new IllegalStateException("no backup can take over (" + cause.getMessage()
                            + "): this primary stays in service", cause);
                }
            }
            String why = "in maintenance" + (reason.isBlank() ? "" : ": " + reason)
                    + (estimatedReturn == null ? "" : ", back at " + estimatedReturn);
            maintenance = new ServerObject.Maintenance(true, estimatedReturn, reason);
            health.report(MAINTENANCE_SOURCE, MAINTENANCE_WEIGHT, why);
            log(why);
            requestRefresh();
        }
    }

    void leaveMaintenance() {
        synchronized (maintenanceLock) {
            if (maintenance.on()) {
                maintenance = ServerObject.Maintenance.OFF;
                health.report(MAINTENANCE_SOURCE, 0, "");
                log("maintenance ended: serving again");
                requestRefresh();
            }
        }
    }

    // ------------------------------------------------------------ inputs

    @Override
    public void statusChanged(RedundancyStatus newStatus) {
        status = newStatus;
        requestRefresh();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTagValues(TagValues p) {
        plant = p;
        onOwner(() -> attach(p)); // before activation this finds no server yet, and activation attaches it
    }

    void unbindTagValues(TagValues p) {
        if (plant == p) {
            plant = null;
            onOwner(() -> {
                if (serverObject != null) {
                    tags.setTags(List.of());
                }
                refresh();
            });
        }
    }

    /** On the owner thread: shows the plant's tags and their current values. */
    private void attach(TagValues p) {
        if (serverObject == null || plant != p) {
            return; // activation attaches it, or another plant replaced it meanwhile
        }
        changedTags.clear();
        tags.setTags(p.project() == null ? List.of() : p.project().tags());
        p.snapshot().forEach(v -> {
            if (v != null) {
                tags.update(v);
            }
        });
        refresh();
    }

    /** The plant's whiteboard call, on its poll thread: marks the tag; the owner thread reads its value. */
    @Override
    public void changed(TagValue value) {
        changedTags.add(value.tag());
        if (changesPending.compareAndSet(false, true)) {
            onOwner(this::showChanges);
        }
    }

    /** On the owner thread: the current value of every tag that changed, from the plant bound now. */
    private void showChanges() {
        changesPending.set(false);
        TagValues p = plant;
        for (String tag : List.copyOf(changedTags)) {
            changedTags.remove(tag);
            if (p != null && serverObject != null) {
                p.current(tag).ifPresent(tags::update);
            }
        }
    }

    private void requestRefresh() {
        if (refreshPending.compareAndSet(false, true)) {
            try {
                owner.execute(() -> {
                    refreshPending.set(false);
                    refresh();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: nothing to show any more
            }
        }
    }

    /** On the owner thread: the ServiceLevel, ServerUriArray, maintenance state and clients from the newest inputs. */
    private void refresh() {
        if (serverObject == null) {
            return;
        }
        RedundancyStatus s = status;
        if (s == null) {
            s = redundancy.status();
        }
        Instant now = Instant.now();
        boolean serving = s.role() == Role.PRIMARY || s.role() == Role.STANDALONE;
        if (!serving) {
            servingSince = null;
        } else if (servingSince == null) {
            servingSince = now;
        }
        DataFreshness freshness = PlantFreshness.judge(plant, now, servingSince);
        ServerObject.Maintenance m = maintenance;
        boolean primaryInSight = s.partners().stream().anyMatch(p -> p.connected() && p.isPrimary());
        int level = ServiceLevel.of(new ServiceLevel.Inputs(m.on(), s.starting(), s.role(), s.health(), primaryInSight,
                freshness));
        serverObject.setServiceLevel(level);
        serverObject.setMaintenance(m);
        serverObject.setServerUris(serverUris(redundancy.configuration()));
        clients.show(server.getSessionManager().getAllSessions());
    }

    /** The application URIs of the activated partners, in configuration order. */
    static List<String> serverUris(RedundancyConfiguration config) {
        List<String> uris = new ArrayList<>();
        for (Partner p : config.partners()) {
            if (p.activate()) {
                uris.add(OpcUaIdentity.applicationUri(p.symbol()));
            }
        }
        return uris;
    }

    /**
     * Answers FindServers on every endpoint path with this server and its activated partners (see
     * the class comment), instead of Milo's answer, which knows only this server.
     */
    private void answerFindServers(OpcUaServer opcUa) {
        Set<String> paths = new HashSet<>();
        opcUa.getConfig().getEndpoints().forEach(e -> paths.add(EndpointUtil.getPath(e.getEndpointUrl())));
        String applicationUri = identity.applicationUri();
        for (String path : paths) {
            opcUa.getStackServer().addServiceHandler(path, FindServersRequest.TYPE_ID, r -> findServers(r, applicationUri));
        }
    }

    /** On a Milo thread: reads only the configuration, which returns at once. */
    private void findServers(ServiceRequest request, String applicationUri) {
        FindServersRequest asked = (FindServersRequest) request.getRequest();
        Set<String> only = asked.getServerUris() == null ? Set.of() : Set.of(asked.getServerUris());
        List<ApplicationDescription> found = new ArrayList<>();
        for (ApplicationDescription d : applications(redundancy.configuration(), applicationUri, bind, port)) {
            if (only.isEmpty() || only.contains(d.getApplicationUri())) {
                found.add(d);
            }
        }
        request.setResponse(new FindServersResponse(request.createResponseHeader(),
                found.toArray(ApplicationDescription[]::new)));
    }

    /** This server's description first, then one per activated partner, in configuration order. */
    static List<ApplicationDescription> applications(RedundancyConfiguration config, String applicationUri, String bind,
            int port) {
        List<ApplicationDescription> all = new ArrayList<>();
        all.add(application(applicationUri, config.thisScada().symbol(), bind, port));
        for (Partner p : config.partners()) {
            if (p.activate()) {
                all.add(application(OpcUaIdentity.applicationUri(p.symbol()), p.symbol(), p.ipAddress(), port));
            }
        }
        return all;
    }

    private static ApplicationDescription application(String uri, String symbol, String address, int port) {
        String url = "opc.tcp://" + address + ":" + port;
        return new ApplicationDescription(uri, "urn:duplex:scada", LocalizedText.english("Duplex " + symbol),
                ApplicationType.Server, null, null, new String[] { url + "/discovery" });
    }

    /** Runs {@code task} on the owner thread; nothing once the component stopped. */
    private void onOwner(Runnable task) {
        try {
            owner.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log("ERROR " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // deactivated: SCR unbinds the references after deactivate, when there is nothing left to update
        }
    }

    static void log(String line) {
        // Standard output is the server's log, as for the runtime's other services.
        System.out.println(Instant.now() + " opcua " + line);
    }
}
