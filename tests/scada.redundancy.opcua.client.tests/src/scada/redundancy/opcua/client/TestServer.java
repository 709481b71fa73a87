package scada.redundancy.opcua.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.api.DataItem;
import org.eclipse.milo.opcua.sdk.server.api.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.api.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.api.config.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.model.nodes.objects.ServerTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.server.EndpointConfiguration;
import org.eclipse.milo.opcua.stack.server.security.DefaultServerCertificateValidator;

/**
 * A small real Milo OPC UA server, secured as a Duplex runtime server is (one SignAndEncrypt
 * Basic256Sha256 endpoint with X509 and anonymous users, discovery on {@code /discovery}, a trust
 * list in {@code DATA/opcua/pki}), whose ServiceLevel the test sets and whose one tag,
 * {@value #TAG} in {@code urn:duplex:scada:tags}, counts up every 20 ms — so a client always has
 * a fresh value to receive.
 */
final class TestServer implements AutoCloseable {
    static final String TAG = "Line1/Counter";

    final String address;
    final int port;
    final Path data;
    private final OpcUaServer server;
    private final DefaultTrustListManager trustList;
    private final ServerTypeNode serverNode;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger counter = new AtomicInteger();

    private TestServer(String address, int port, Path data, OpcUaServer server, DefaultTrustListManager trustList) {
        this.address = address;
        this.port = port;
        this.data = data;
        this.server = server;
        this.trustList = trustList;
        this.serverNode = (ServerTypeNode) server.getAddressSpaceManager().getManagedNode(Identifiers.Server).orElseThrow();
    }

    /** Starts a server on {@code address} (any 127.x.y.z), data under {@code data}, at ServiceLevel {@code level}. */
    static TestServer start(String address, Path data, String symbol, int level) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            port = probe.getLocalPort();
        }
        KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        String uri = "urn:duplex:scada:" + symbol;
        X509Certificate cert = new SelfSignedCertificateBuilder(keyPair).setCommonName(symbol).setApplicationUri(uri)
                .addIpAddress(address).build();
        Files.createDirectories(data.resolve("opcua"));
        Files.write(data.resolve("opcua/server.der"), cert.getEncoded()); // as a Duplex server does, for clients to trust
        Path pki = data.resolve("opcua/pki");
        Files.createDirectories(pki.resolve("trusted/certs"));
        DefaultTrustListManager trustList = new DefaultTrustListManager(pki.toFile());
        EndpointConfiguration secure = EndpointConfiguration.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(address).setHostname(address).setBindPort(port).setPath("")
                .setCertificate(cert)
                .setSecurityPolicy(SecurityPolicy.Basic256Sha256).setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                .addTokenPolicy(new UserTokenPolicy("certificate", UserTokenType.Certificate, null, null,
                        SecurityPolicy.Basic256Sha256.getUri()))
                .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
                .build();
        EndpointConfiguration discovery = EndpointConfiguration.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(address).setHostname(address).setBindPort(port).setPath("/discovery")
                .setCertificate(cert)
                .setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                .build();
        OpcUaServer server = new OpcUaServer(OpcUaServerConfig.builder()
                .setApplicationUri(uri)
                .setApplicationName(LocalizedText.english(symbol))
                .setProductUri("urn:duplex:scada")
                .setEndpoints(Set.of(secure, discovery))
                .setCertificateManager(new DefaultCertificateManager(keyPair, cert))
                .setTrustListManager(trustList)
                .setCertificateValidator(new DefaultServerCertificateValidator(trustList))
                .setIdentityValidator(new CompositeValidator<>(List.of(castValidator(AnonymousIdentityValidator.INSTANCE),
                        castValidator(new X509IdentityValidator(c -> trustList.getTrustedCertificates().contains(c))))))
                .build());
        Tags tags = new Tags(server);
        tags.startup();
        server.startup().get(20, TimeUnit.SECONDS);
        TestServer s = new TestServer(address, port, data, server, trustList);
        s.serviceLevel(level);
        s.ticker.scheduleAtFixedRate(() -> tags.counter.setValue(new DataValue(new Variant(s.counter.incrementAndGet()),
                org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode.GOOD, DateTime.now(), DateTime.now())),
                0, 20, TimeUnit.MILLISECONDS);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator<Object> castValidator(
            org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator<?> v) {
        return (org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator<Object>) v;
    }

    String url() {
        return "opc.tcp://" + address + ":" + port;
    }

    void serviceLevel(int level) {
        serverNode.setServiceLevel(ubyte(level));
    }

    /** Stops the server at once: its clients' connections close. */
    @Override
    public void close() throws Exception {
        ticker.shutdownNow();
        server.shutdown().get(10, TimeUnit.SECONDS);
        trustList.close();
    }

    /** The namespace {@code urn:duplex:scada:tags} with the folder Tags and the counter. */
    private static final class Tags extends ManagedNamespaceWithLifecycle {
        private final SubscriptionModel subscriptions;
        UaVariableNode counter;

        Tags(OpcUaServer server) {
            super(server, FailoverClient.TAG_NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(() -> {
                UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId("Tags"), newQualifiedName("Tags"),
                        LocalizedText.english("Tags"));
                getNodeManager().addNode(folder);
                folder.addReference(new Reference(folder.getNodeId(), Identifiers.Organizes,
                        Identifiers.ObjectsFolder.expanded(), false));
                counter = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(newNodeId(TAG)).setBrowseName(newQualifiedName(TAG))
                        .setDisplayName(LocalizedText.english(TAG)).setDataType(Identifiers.Int32)
                        .setTypeDefinition(Identifiers.BaseDataVariableType)
                        .setAccessLevel(AccessLevel.READ_ONLY).setUserAccessLevel(AccessLevel.READ_ONLY)
                        .setValue(new DataValue(new Variant(0))).build();
                getNodeManager().addNode(counter);
                folder.addOrganizes(counter);
            });
        }

        @Override
        public void onDataItemsCreated(List<DataItem> dataItems) {
            subscriptions.onDataItemsCreated(dataItems);
        }

        @Override
        public void onDataItemsModified(List<DataItem> dataItems) {
            subscriptions.onDataItemsModified(dataItems);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> dataItems) {
            subscriptions.onDataItemsDeleted(dataItems);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
            subscriptions.onMonitoringModeChanged(monitoredItems);
        }
    }
}
