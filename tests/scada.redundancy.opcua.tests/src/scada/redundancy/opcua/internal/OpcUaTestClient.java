package scada.redundancy.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.api.config.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.api.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.api.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.api.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.ManagedDataItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.ManagedSubscription;
import org.eclipse.milo.opcua.stack.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * A plain Milo OPC UA client as a plant's HMI would use one: its own application certificate
 * (which a server must have in its trust list), SignAndEncrypt with Basic256Sha256, and as user
 * either that certificate (X509 identity) or anonymous. Values are awaited through a
 * subscription, never by polling.
 */
public final class OpcUaTestClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /** A client application identity: key pair and certificate. */
    public record Identity(KeyPair keyPair, X509Certificate certificate, String applicationUri) {
        public static Identity create(String name) throws Exception {
            KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            String uri = "urn:duplex:test:" + name;
            X509Certificate cert = new SelfSignedCertificateBuilder(keyPair).setCommonName(name).setOrganization("Duplex tests")
                    .setApplicationUri(uri).build();
            return new Identity(keyPair, cert, uri);
        }

        /** The name it was created with: its application name and certificate CN. */
        public String name() {
            return applicationUri.substring(applicationUri.lastIndexOf(':') + 1);
        }

        /** Approves this identity on a server: its certificate into the server's trust list, as an operator would copy it. */
        public void trustOn(Path serverDataDir) throws Exception {
            Path trusted = serverDataDir.resolve("opcua/pki/trusted/certs");
            Files.createDirectories(trusted);
            Files.write(trusted.resolve(applicationUri.replace(':', '_') + ".der"), certificate.getEncoded());
        }

        /** Makes this identity an administrator of a server (administrators.txt). */
        public void administerOn(Path serverDataDir) throws Exception {
            Path file = serverDataDir.resolve("opcua/administrators.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# administrators of this OPC UA server\n" + OpcUaIdentity.fingerprint(certificate) + " test\n");
        }
    }

    private final OpcUaClient client;
    private ManagedSubscription subscription;

    private OpcUaTestClient(OpcUaClient client) {
        this.client = client;
    }

    /** Connects to {@code opc.tcp://ADDRESS:PORT} with SignAndEncrypt; {@code anonymous} picks the user identity. */
    public static OpcUaTestClient connect(String address, int port, Identity identity, boolean anonymous) throws Exception {
        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints("opc.tcp://" + address + ":" + port + "/discovery")
                .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        EndpointDescription endpoint = endpoints.stream()
                .filter(e -> SecurityPolicy.Basic256Sha256.getUri().equals(e.getSecurityPolicyUri())
                        && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                .findFirst().orElseThrow(() -> new AssertionError("no SignAndEncrypt Basic256Sha256 endpoint: " + endpoints));
        IdentityProvider user = anonymous ? new AnonymousProvider()
                : new X509IdentityProvider(identity.certificate(), identity.keyPair().getPrivate());
        OpcUaClientConfig config = OpcUaClientConfig.builder()
                .setApplicationName(LocalizedText.english(identity.name())) // what the server's status shows
                .setApplicationUri(identity.applicationUri())
                .setEndpoint(endpoint)
                .setKeyPair(identity.keyPair())
                .setCertificate(identity.certificate())
                .setIdentityProvider(user)
                .setRequestTimeout(uint(5000))
                .build();
        OpcUaClient client = OpcUaClient.create(config);
        try {
            client.connect().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            client.disconnect();
            throw e;
        }
        return new OpcUaTestClient(client);
    }

    /**
     * Connects once the server's endpoint is up: the OPC UA component starts right after the
     * redundancy service, so a client that starts with the server may find nothing listening yet.
     * Retries only "connection refused", every 50 ms, until {@code timeout}.
     */
    public static OpcUaTestClient connectWhenUp(String address, int port, Identity identity, boolean anonymous,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return connect(address, port, identity, anonymous);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!isConnectionRefused(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // nothing listens yet, and there is no event to wait for from outside the process
            }
        }
    }

    private static boolean isConnectionRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || String.valueOf(t.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    public OpcUaClient client() {
        return client;
    }

    public DataValue read(NodeId node) throws Exception {
        return client.readValue(0.0, TimestampsToReturn.Both, node).get(5, TimeUnit.SECONDS);
    }

    public int serviceLevel() throws Exception {
        return ((Number) read(Identifiers.Server_ServiceLevel).getValue().getValue()).intValue();
    }

    /**
     * Subscribes to {@code node} (sampling 50 ms, publishing 50 ms) and returns the first value
     * that satisfies {@code condition}, or fails after {@code timeout} naming the last value seen.
     */
    public DataValue await(NodeId node, Predicate<DataValue> condition, Duration timeout, String what) throws Exception {
        if (subscription == null) {
            subscription = ManagedSubscription.create(client, 50.0);
            subscription.setDefaultSamplingInterval(50.0);
        }
        CompletableFuture<DataValue> match = new CompletableFuture<>();
        AtomicReference<DataValue> last = new AtomicReference<>();
        ManagedDataItem item = subscription.createDataItem(node);
        if (!item.getStatusCode().isGood()) {
            item.delete();
            throw new AssertionError(what + ": the server refused a monitored item on " + node + ": " + item.getStatusCode());
        }
        item.addDataValueListener(v -> {
            last.set(v);
            if (condition.test(v)) {
                match.complete(v);
            }
        });
        try {
            return match.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": not within " + timeout.toMillis() + " ms; last value " + last.get());
        } finally {
            item.delete();
        }
    }

    /** Waits for ServiceLevel to satisfy {@code condition}; returns it. */
    public int awaitServiceLevel(Predicate<Integer> condition, Duration timeout, String what) throws Exception {
        DataValue v = await(Identifiers.Server_ServiceLevel,
                d -> d.getValue().getValue() instanceof Number n && condition.test(n.intValue()), timeout, what);
        return ((Number) v.getValue().getValue()).intValue();
    }

    @Override
    public void close() throws Exception {
        client.disconnect().get(5, TimeUnit.SECONDS);
    }
}
