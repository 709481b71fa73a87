package scada.redundancy.runtime.tls;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;

/**
 * Trusts exactly the certificates whose SHA-256 fingerprints are in a set that may change at run
 * time (pinned in the configuration, approved by an operator, or our own). Anything else is
 * refused and reported, so that the status can show which certificate waits for approval.
 */
public final class PinnedTrust extends SimpleTrustManagerFactory {
    private final TrustManager manager;

    /**
     * @param trusted  the fingerprints trusted right now (asked at every handshake)
     * @param refused  told the fingerprint of every refused certificate
     */
    public PinnedTrust(Supplier<Set<String>> trusted, Consumer<String> refused) {
        this.manager = new X509ExtendedTrustManager() {
            private void check(X509Certificate[] chain) throws CertificateException {
                if (chain == null || chain.length == 0) {
                    throw new CertificateException("the peer presented no certificate");
                }
                String fingerprint = LinkIdentity.fingerprintOf(chain[0]);
                if (!trusted.get().contains(fingerprint)) {
                    refused.accept(fingerprint);
                    throw new CertificateException("certificate not trusted: SHA-256 " + fingerprint);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    @Override
    protected void engineInit(KeyStore keyStore) {
    }

    @Override
    protected void engineInit(ManagerFactoryParameters params) {
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
        return new TrustManager[] { manager };
    }
}
