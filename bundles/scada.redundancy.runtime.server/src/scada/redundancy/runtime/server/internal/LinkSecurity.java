package scada.redundancy.runtime.server.internal;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.PinnedTrust;
import scada.redundancy.runtime.tls.RefusedCertificates;
import scada.redundancy.runtime.tls.TrustStore;
import scada.redundancy.runtime.tls.TrustStore.Approvals;

/**
 * Who this server is on the link, whom it trusts and for what: its identity, the TLS contexts,
 * the fingerprints pinned in the configuration or approved by an operator with a role (partner
 * with a Symbol, monitor, operator), and the certificates it refused (for the status).
 *
 * <p>TLS lets through every certificate that is pinned, approved in any role, or our own; what a
 * connection may then do is decided by its certificate's role when it says HELLO and asks for
 * something (see {@link InboundHandler}). Our own certificate is an operator's (a command run
 * with the server's data directory); it is a partner only where a partner row pins it.
 */
final class LinkSecurity {
    private final LinkIdentity identity;
    private final TrustStore trustStore;
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    /** Pinned in the configuration, and our own. */
    private volatile Set<String> trusted = Set.of();
    /**
     * The approvals as the latest TLS handshake read them (on an I/O thread): a connection's HELLO
     * is decided on the loop with what its own handshake read, and the loop never reads the file.
     */
    private volatile Approvals approvals;
    /** The newest refused certificates and their count; loop-owned. */
    private final RefusedCertificates refused = new RefusedCertificates();

    /**
     * @param onRefused told (on a TLS thread) of every certificate refused; must hand it to the loop
     */
    LinkSecurity(Path dataDir, String commonName, RedundancyConfiguration config, Consumer<String> onRefused)
            throws java.io.IOException {
        this.identity = LinkIdentity.loadOrCreate(dataDir, commonName);
        this.trustStore = new TrustStore(dataDir);
        this.approvals = trustStore.approvals();
        trustConfigured(config);
        PinnedTrust trust = new PinnedTrust(this::trustedNow, onRefused);
        try {
            serverSsl = SslContextBuilder.forServer(identity.key(), identity.certificate()).trustManager(trust)
                    .clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3").build();
            clientSsl = SslContextBuilder.forClient().keyManager(identity.key(), identity.certificate()).trustManager(trust)
                    .protocols("TLSv1.3").build();
        } catch (SSLException e) {
            throw new java.io.IOException("cannot set up TLS for the link: " + e.getMessage(), e);
        }
    }

    SslContext serverSsl() {
        return serverSsl;
    }

    SslContext clientSsl() {
        return clientSsl;
    }

    String fingerprint() {
        return identity.fingerprint();
    }

    /** Asked at every TLS handshake: an approval with {@code trust} counts at once, without a restart. */
    private Set<String> trustedNow() {
        Approvals read = trustStore.approvals(); // re-read only when the file changed
        approvals = read;
        return trustedSnapshot(read);
    }

    private Set<String> trustedSnapshot(Approvals read) {
        if (read.fingerprints().isEmpty()) {
            return trusted;
        }
        Set<String> all = new HashSet<>(trusted);
        all.addAll(read.fingerprints());
        return all;
    }

    /** Every certificate TLS lets through now (as the latest handshake read the approvals). */
    Set<String> trustedSnapshot() {
        return trustedSnapshot(approvals);
    }

    /** May read the status: approved as monitor or operator, or our own. */
    boolean mayMonitor(String fingerprint) {
        return fingerprint.equals(identity.fingerprint()) || approvals.monitor(fingerprint);
    }

    /** May act (try-connect, verify, hand-over): approved as operator, or our own. */
    boolean mayOperate(String fingerprint) {
        return fingerprint.equals(identity.fingerprint()) || approvals.operator(fingerprint);
    }

    /** A partner's certificate: pinned in a partner row, or approved as the partner of a row of {@code config}. */
    boolean isPartner(String fingerprint, RedundancyConfiguration config) {
        Approvals read = approvals;
        return !fingerprint.isEmpty() && config.partners().stream().anyMatch(
                p -> p.normalizedCertificateSha256().equals(fingerprint) || read.partner(fingerprint, p.symbol()));
    }

    /**
     * Why a connection presenting {@code fingerprint} is not the partner of {@code row}, or null
     * when it is: pinned in that row, or approved as partner with that row's Symbol. A
     * certificate approved only as monitor or operator is never a server.
     */
    String partnerRefusal(String fingerprint, Partner row, String mySymbol) {
        String pinned = row.normalizedCertificateSha256();
        if (!fingerprint.isEmpty() && (pinned.equals(fingerprint) || approvals.partner(fingerprint, row.symbol()))) {
            return null;
        }
        String roles = approvals.describe(fingerprint);
        String approvedAs = fingerprint.equals(identity.fingerprint()) ? "it is " + mySymbol + "'s own certificate"
                : "nothing".equals(roles) ? "it is not approved there" : "it is approved there as " + roles;
        return "the certificate SHA-256 " + fingerprint + " is not \"" + row.symbol() + "\"'s on " + mySymbol + " ("
                + approvedAs + "): pin it in the partner row" + (pinned.isEmpty() ? "" : " instead of " + pinned)
                + " or approve it with: scada-redundancy trust --data DIR --as partner --symbol " + row.symbol() + " "
                + fingerprint;
    }

    /** The roles of a certificate in words, for a REJECT's reason. */
    String describe(String fingerprint) {
        return fingerprint.equals(identity.fingerprint()) ? "this server's own certificate"
                : "approved as " + approvals.describe(fingerprint);
    }

    /** How many approvals are old lines without a role (they still grant every role). */
    int approvalsWithoutRole() {
        return approvals.withoutRole();
    }

    /** The fingerprints trusted by configuration: the partners' pinned ones and our own. */
    void trustConfigured(RedundancyConfiguration config) {
        Set<String> set = new HashSet<>();
        set.add(identity.fingerprint());
        for (Partner p : config.partners()) {
            if (!p.normalizedCertificateSha256().isEmpty()) {
                set.add(p.normalizedCertificateSha256());
            }
        }
        trusted = Set.copyOf(set);
    }

    /** The refused certificates; loop-owned (see {@link StatusBoard#certificateRefused}). */
    RefusedCertificates refused() {
        return refused;
    }

    /** The SHA-256 fingerprint of the certificate the peer of this connection presented, or empty. */
    static String peerFingerprint(ChannelHandlerContext ctx) {
        try {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            java.security.cert.Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return LinkIdentity.fingerprintOf((java.security.cert.X509Certificate) chain[0]);
        } catch (Exception e) {
            return "";
        }
    }
}
