package scada.redundancy.opcua.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * This server's OPC UA application instance certificate: an RSA 2048 key pair and a self-signed
 * certificate naming the application URI and the bind address, kept in {@code DATA/opcua/server.p12}
 * (readable by the server's user only). Made on first start; made again when the Symbol or the
 * bind address changed, since a client checks both against the certificate.
 * <p>
 * Every server of a set names its application URI the same way from its Symbol
 * ({@link #applicationUri}), so each can list the others' in ServerUriArray from the
 * configuration alone.
 */
public record OpcUaIdentity(KeyPair keyPair, X509Certificate certificate, String applicationUri) {
    static final String FILE = "server.p12";
    /** The certificate alone (DER), for clients to trust. */
    static final String CERTIFICATE_FILE = "server.der";
    private static final String ALIAS = "duplex-opcua";
    /** The key store's password: the file is protected by its permissions, as the link's key is. */
    private static final char[] PASSWORD = "duplex".toCharArray();

    /** The application URI of the server with this Symbol: {@code urn:duplex:scada:SYMBOL}, the Symbol percent-encoded. */
    public static String applicationUri(String symbol) {
        return "urn:duplex:scada:" + URLEncoder.encode(symbol, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The SHA-256 fingerprint of a certificate, 64 lower-case hex digits. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /** Loads the identity from {@code dir}, or makes (and stores) a new one when there is none or it names another URI or address. */
    public static OpcUaIdentity loadOrCreate(Path dir, String symbol, String bindAddress) throws IOException {
        String uri = applicationUri(symbol);
        Path file = dir.resolve(FILE);
        OpcUaIdentity identity = null;
        if (Files.exists(file)) {
            OpcUaIdentity stored = load(file);
            List<String> ips = CertificateUtil.getSanIpAddresses(stored.certificate());
            if (stored.applicationUri().equals(uri) && ips.contains(bindAddress)) {
                identity = stored;
            }
            // A changed Symbol or address: clients would refuse the old certificate, so make one that fits.
        }
        if (identity == null) {
            identity = create(file, symbol, uri, bindAddress);
        }
        publishCertificate(file.resolveSibling(CERTIFICATE_FILE), identity.certificate());
        return identity;
    }

    /**
     * Writes the clients' copy of the certificate when it is missing or differs (a crash right
     * after the key store was written, or a new certificate), by a temporary file renamed into
     * place: a client, or an operator copying it, never reads it half written.
     */
    private static void publishCertificate(Path der, X509Certificate cert) throws IOException {
        byte[] encoded;
        try {
            encoded = cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode the OPC UA certificate: " + e.getMessage(), e);
        }
        if (Files.isRegularFile(der) && java.util.Arrays.equals(Files.readAllBytes(der), encoded)) {
            return;
        }
        Path tmp = der.resolveSibling(CERTIFICATE_FILE + ".tmp");
        Files.write(tmp, encoded);
        Files.move(tmp, der, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static OpcUaIdentity load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, PASSWORD);
            X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
            if (key == null || cert == null) {
                throw new IOException(file + " holds no key pair named " + ALIAS
                        + ": delete the file and the server makes a new certificate (clients must trust it again)");
            }
            Optional<String> uri = CertificateUtil.getSanUri(cert);
            return new OpcUaIdentity(new KeyPair(cert.getPublicKey(), key), cert, uri.orElse(""));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the OPC UA certificate " + file + ": " + e.getMessage()
                    + "; delete the file and the server makes a new one (clients must trust it again)", e);
        }
    }

    private static OpcUaIdentity create(Path file, String symbol, String uri, String bindAddress) throws IOException {
        try {
            KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate cert = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName("Duplex " + symbol)
                    .setOrganization("Duplex")
                    .setApplicationUri(uri)
                    .addIpAddress(bindAddress)
                    .setValidityPeriod(Period.ofYears(10))
                    .build();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, PASSWORD);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), PASSWORD, new X509Certificate[] { cert });
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, PASSWORD);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new OpcUaIdentity(keyPair, cert, uri);
        } catch (IOException e) {
            throw new IOException("cannot store the OPC UA certificate in " + file + ": " + e.getMessage(), e);
        } catch (Exception e) { // the certificate builder declares Exception
            throw new IOException("cannot make the OPC UA certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate in DER, as clients' trust lists take it. */
    public byte[] certificateDer() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
