package scada.redundancy.opcua.client;

import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.eclipse.milo.opcua.stack.client.security.ClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;

/**
 * Which servers this client talks to: only those whose certificate is in the identity's
 * {@linkplain ClientIdentity#trustedServersDirectory() trusted servers} (read at each connection).
 * A refused certificate is written to the rejected directory, so that an operator who checked its
 * fingerprint can move it to trusted — the way a Duplex server handles client certificates.
 * Pinning rather than a CA chain: a plant's servers make their own self-signed certificates.
 */
final class ServerTrust implements ClientCertificateValidator {
    private final ClientIdentity identity;

    ServerTrust(ClientIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain) throws UaException {
        if (chain == null || chain.isEmpty()) {
            throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server sent no certificate");
        }
        X509Certificate cert = chain.get(0);
        String fingerprint = ClientIdentity.fingerprintOf(cert);
        if (identity.trustedServerFingerprints().contains(fingerprint)) {
            return;
        }
        String kept;
        try {
            Files.createDirectories(identity.rejectedServersDirectory());
            java.nio.file.Path file = identity.rejectedServersDirectory().resolve(fingerprint.substring(0, 16) + ".der");
            Files.write(file, cert.getEncoded());
            kept = "; it was saved as " + file + ": move it to " + identity.trustedServersDirectory() + " once checked";
        } catch (IOException | CertificateEncodingException e) {
            kept = "";
        }
        throw new UaException(StatusCodes.Bad_CertificateUntrusted, "this client does not trust the server's certificate ("
                + cert.getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint + "): copy the server's "
                + "DATA/opcua/server.der into " + identity.trustedServersDirectory() + kept);
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String... validHostNames)
            throws UaException {
        validateCertificateChain(chain);
    }
}
