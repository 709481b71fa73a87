package scada.redundancy.runtime.internal;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
import scada.redundancy.runtime.tls.TrustStore;

/**
 * Who this server is on the link and whom it trusts: its identity, the TLS contexts, the
 * fingerprints pinned in the configuration or approved by an operator, and the certificates it
 * refused (for the status).
 */
final class LinkSecurity {
    private final LinkIdentity identity;
    private final TrustStore trustStore;
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    private volatile Set<String> trusted = Set.of();
    /** Refused fingerprints, in the order first seen; loop-owned (see {@link #refused}). */
    private final Set<String> refused = new LinkedHashSet<>();

    /**
     * @param onRefused told (on a TLS thread) of every certificate refused; must hand it to the loop
     */
    LinkSecurity(Path dataDir, String commonName, RedundancyConfiguration config, Consumer<String> onRefused)
            throws java.io.IOException {
        this.identity = LinkIdentity.loadOrCreate(dataDir, commonName);
        this.trustStore = new TrustStore(dataDir);
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
        Set<String> approved = trustStore.approved(); // re-read only when the file changed
        if (approved.isEmpty()) {
            return trusted;
        }
        Set<String> all = new HashSet<>(trusted);
        all.addAll(approved);
        return all;
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

    /** On the loop: remembers a refused certificate; true the first time it is seen. */
    boolean refused(String fingerprint) {
        return refused.add(fingerprint);
    }

    Set<String> refusedFingerprints() {
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
