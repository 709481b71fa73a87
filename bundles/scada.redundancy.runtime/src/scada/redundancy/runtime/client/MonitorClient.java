package scada.redundancy.runtime.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.link.LinkAccess;
import scada.redundancy.runtime.link.LinkClient;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.PinnedTrust;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * A monitoring client of redundancy servers (the command line's {@code status}, the studio's
 * live status and Try To Connect). It authenticates with its own identity, kept in a directory
 * like a server's: a server answers only if it trusts that identity's fingerprint, and the
 * client talks only to servers whose fingerprints it trusts. Using a server's own data directory
 * gives that server's identity, which the server always trusts.
 */
public final class MonitorClient implements AutoCloseable {
    private final LinkIdentity identity;
    private final TrustStore trustStore;
    private final Set<String> alsoTrusted;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup group;
    private final SslContext ssl;
    private final String name;
    private final int timeoutMs;

    private MonitorClient(Path identityDir, String name, Set<String> alsoTrusted, int timeoutMs) throws IOException {
        this.identity = LinkIdentity.loadOrCreate(identityDir, name);
        this.trustStore = new TrustStore(identityDir);
        this.alsoTrusted = Set.copyOf(alsoTrusted);
        this.name = name;
        this.timeoutMs = timeoutMs;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("duplex-monitor", true));
        this.ssl = SslContextBuilder.forClient().keyManager(identity.key(), identity.certificate())
                .trustManager(new PinnedTrust(this::trusted, refused::add)).protocols("TLSv1.3").build();
    }

    /**
     * @param identityDir where this client's key pair and approved fingerprints are kept (made if missing)
     * @param name        how this client introduces itself
     * @param alsoTrusted server fingerprints to trust in addition to the approved ones
     */
    public static MonitorClient open(Path identityDir, String name, Set<String> alsoTrusted, int timeoutMs)
            throws IOException {
        return new MonitorClient(identityDir, name, alsoTrusted, timeoutMs);
    }

    private Set<String> trusted() {
        Set<String> all = new HashSet<>(trustStore.approved());
        all.addAll(alsoTrusted);
        all.add(identity.fingerprint());
        return all;
    }

    /** This client's certificate fingerprint: a server must approve it. */
    public String fingerprint() {
        return identity.fingerprint();
    }

    /** Server fingerprints this client refused so far (to show the operator what to approve). */
    public Set<String> refusedFingerprints() {
        return Set.copyOf(refused);
    }

    private LinkClient client() {
        return new LinkClient(group, ssl, null, timeoutMs);
    }

    /** The server's status as the JSON of the README. */
    public CompletableFuture<String> statusJson(InetSocketAddress server) {
        return client().fetchStatus(server, LinkAccess.monitorHello(name));
    }

    public CompletableFuture<RedundancyStatus> status(InetSocketAddress server) {
        return statusJson(server).thenApply(json -> {
            try {
                return StatusJson.fromJson(json);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Try To Connect from outside a server (the studio without a runtime): handshake, role, round-trip time. */
    public CompletableFuture<ConnectResult> tryToConnect(InetSocketAddress server) {
        return client().probe(server, LinkAccess.probeHello(name));
    }

    /**
     * Verify from the studio, with no runtime of its own: fetches the partner's running
     * configuration and compares it with the configuration being edited ({@code row} is the
     * partner's row in it). Checks that need this server's own address, certificate or project
     * are left to Verify on the running server.
     */
    public CompletableFuture<VerifyResult> verify(scada.redundancy.model.RedundancyConfiguration mine,
            scada.redundancy.model.Partner row) {
        InetSocketAddress partner = new InetSocketAddress(row.ipAddress(), row.port());
        return LinkAccess.verifyFromStudio(client(), partner, name, mine, row);
    }

    /** Asks a running server to Try To Connect to one of its partners (resets its retries and fault). */
    public CompletableFuture<ConnectResult> requestTryToConnect(InetSocketAddress server, String partnerSymbol) {
        return LinkAccess.act(actionClient(), server, name, LinkAccess.TRY_TO_CONNECT, partnerSymbol, timeoutMs,
                ConnectResult.class);
    }

    /** Asks a running server to Verify its configuration against one partner's. */
    public CompletableFuture<VerifyResult> requestVerify(InetSocketAddress server, String partnerSymbol) {
        return LinkAccess.act(actionClient(), server, name, LinkAccess.VERIFY, partnerSymbol, timeoutMs, VerifyResult.class);
    }

    /** Asks a running primary to hand its role over to its best backup; completes with the successor's Symbol. */
    public CompletableFuture<String> requestHandOver(InetSocketAddress server) {
        return LinkAccess.act(actionClient(), server, name, LinkAccess.HAND_OVER, null, timeoutMs, String.class);
    }

    /**
     * Asks a running server to apply a deployment (its own view of the set and the project); it
     * answers once the deployment is in force. Fails with the server's reason when it refused the
     * deployment, and with a {@link scada.redundancy.runtime.link.LinkClient.ConversationFailed}
     * when no answer came (refused connection, not approved as operator, timeout).
     */
    public CompletableFuture<scada.redundancy.runtime.link.LinkProtocol.DeployAnswer> deploy(InetSocketAddress server,
            scada.redundancy.runtime.link.LinkProtocol.Deployment deployment) {
        return LinkAccess.act(actionClient(), server, name, new scada.redundancy.runtime.link.LinkProtocol.ActionRequest(
                LinkAccess.DEPLOY, null, timeoutMs, deployment), scada.redundancy.runtime.link.LinkProtocol.DeployAnswer.class);
    }

    /**
     * Asks a running server whether it would apply a deployment, changing nothing: it answers what
     * a deploy would do, or fails with the reason it would refuse it (as {@link #deploy} does).
     */
    public CompletableFuture<scada.redundancy.runtime.link.LinkProtocol.DeployAnswer> checkDeployment(
            InetSocketAddress server, scada.redundancy.runtime.link.LinkProtocol.Deployment deployment) {
        return LinkAccess.act(actionClient(), server, name, new scada.redundancy.runtime.link.LinkProtocol.ActionRequest(
                LinkAccess.DEPLOY_CHECK, null, timeoutMs, deployment),
                scada.redundancy.runtime.link.LinkProtocol.DeployAnswer.class);
    }

    /** A running server's configuration view: its configuration in force, certificate and fingerprints. */
    public CompletableFuture<scada.redundancy.runtime.link.LinkProtocol.ConfigView> configView(InetSocketAddress server) {
        return client().fetchConfigView(server, LinkAccess.monitorHello(name));
    }

    /** The SHA-256 fingerprint of a running server's link certificate, as it reports it in its configuration view. */
    public CompletableFuture<String> certificateOf(InetSocketAddress server) {
        return configView(server).thenApply(scada.redundancy.runtime.link.LinkProtocol.ConfigView::certificateFingerprint);
    }

    /** The server may take up to {@code timeoutMs} for the action itself: wait for that, plus the conversation. */
    private LinkClient actionClient() {
        return new LinkClient(group, ssl, null, 2 * timeoutMs + 1000);
    }

    /** Follows a server's status until closed; {@code onEnd} hears why it ended. */
    public AutoCloseable follow(InetSocketAddress server, Consumer<RedundancyStatus> onStatus, Consumer<String> onEnd) {
        return client().follow(server, LinkAccess.monitorHello(name), json -> {
            try {
                onStatus.accept(StatusJson.fromJson(json));
            } catch (IOException e) {
                onEnd.accept("unreadable status from the runtime: " + e.getMessage());
            }
        }, onEnd);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
