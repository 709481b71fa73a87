package scada.redundancy.opcua.client;

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

import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * An OPC UA client application's identity: an RSA 2048 key pair and a self-signed certificate
 * naming its application URI, kept in {@code DIR/client.p12} (readable by its user only) so that
 * the same client keeps the same certificate across runs — a server's operator approves it once.
 * {@code DIR/client.der} is its copy for servers' trust lists. The certificate serves both as the
 * application instance certificate (SignAndEncrypt) and as the X509 user identity.
 */
public final class ClientIdentity {
    static final String FILE = "client.p12";
    static final String CERTIFICATE_FILE = "client.der";
    static final String TRUSTED_SERVERS = "trusted-servers";
    static final String REJECTED_SERVERS = "rejected-servers";
    private static final String ALIAS = "duplex-opcua-client";
    /** The key store's password: the file is protected by its permissions, as the servers' keys are. */
    private static final char[] PASSWORD = "duplex".toCharArray();

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final String applicationUri;
    private final Path directory;

    private ClientIdentity(KeyPair keyPair, X509Certificate certificate, String applicationUri, Path directory) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.applicationUri = applicationUri;
        this.directory = directory;
    }

    /**
     * Loads the identity kept in {@code directory}, or makes one named {@code name} (application
     * URI {@code urn:duplex:client:NAME}) and stores it there when there is none.
     *
     * @throws IOException when the directory cannot be read or written, or holds a damaged key store
     */
    public static ClientIdentity loadOrCreate(Path directory, String name) throws IOException {
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            return load(file);
        }
        return create(directory, name);
    }

    private static ClientIdentity load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, PASSWORD);
            X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
            if (key == null || cert == null) {
                throw new IOException(file + " holds no key pair named " + ALIAS
                        + ": delete the file to make a new identity (servers must trust it again)");
            }
            String uri = CertificateUtil.getSanUri(cert).orElseThrow(() -> new IOException(file
                    + ": its certificate names no application URI; delete the file to make a new identity"));
            return new ClientIdentity(new KeyPair(cert.getPublicKey(), key), cert, uri, file.getParent());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the OPC UA client identity " + file + ": " + e.getMessage()
                    + "; delete the file to make a new identity (servers must trust it again)", e);
        }
    }

    private static ClientIdentity create(Path directory, String name) throws IOException {
        String uri = "urn:duplex:client:" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        Path file = directory.resolve(FILE);
        try {
            KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate cert = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName(name)
                    .setOrganization("Duplex")
                    .setApplicationUri(uri)
                    .setValidityPeriod(Period.ofYears(10))
                    .build();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, PASSWORD);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), PASSWORD, new X509Certificate[] { cert });
            Files.createDirectories(directory);
            Path tmp = directory.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, PASSWORD);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.write(directory.resolve(CERTIFICATE_FILE), cert.getEncoded());
            return new ClientIdentity(keyPair, cert, uri, directory);
        } catch (IOException e) {
            throw new IOException("cannot store the OPC UA client identity in " + file + ": " + e.getMessage(), e);
        } catch (Exception e) { // the certificate builder declares Exception
            throw new IOException("cannot make the OPC UA client certificate: " + e.getMessage(), e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** {@code urn:duplex:client:NAME}, as named in the certificate. */
    public String applicationUri() {
        return applicationUri;
    }

    /** The certificate in DER, {@code DIR/client.der}: the file an operator copies into a server's trust list. */
    public Path certificateFile() throws IOException {
        Path der = directory.resolve(CERTIFICATE_FILE);
        if (!Files.exists(der)) {
            Files.write(der, der());
        }
        return der;
    }

    /** The SHA-256 fingerprint of the certificate, 64 lower-case hex digits: the line for a server's administrators.txt. */
    public String fingerprint() {
        return fingerprintOf(certificate);
    }

    /**
     * Approves this client on a Duplex runtime server, as its operator would: copies the
     * certificate into {@code serverDataDir/opcua/pki/trusted/certs} (the server watches the
     * directory, so no restart is needed).
     */
    public void trustOn(Path serverDataDir) throws IOException {
        Path trusted = serverDataDir.resolve("opcua/pki/trusted/certs");
        Files.createDirectories(trusted);
        Files.write(trusted.resolve(applicationUri.replace(':', '_') + ".der"), der());
    }

    /** Where the server certificates this client trusts are kept (DER files). */
    public Path trustedServersDirectory() {
        return directory.resolve(TRUSTED_SERVERS);
    }

    /** Where a server certificate this client refused is put, for an operator to check and move to trusted. */
    public Path rejectedServersDirectory() {
        return directory.resolve(REJECTED_SERVERS);
    }

    /**
     * Trusts a server's certificate (a DER file, e.g. a Duplex server's {@code DATA/opcua/server.der}):
     * copies it into {@link #trustedServersDirectory()}. Read at each connection, so no restart.
     */
    public void trustServer(Path certificateFile) throws IOException {
        byte[] der = Files.readAllBytes(certificateFile);
        X509Certificate cert;
        try {
            cert = certificateOf(der);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(certificateFile + " is not an X.509 certificate in DER form: " + e.getMessage(), e);
        }
        Files.createDirectories(trustedServersDirectory());
        Files.write(trustedServersDirectory().resolve(fingerprintOf(cert).substring(0, 16) + ".der"), der);
    }

    /** Trusts the certificate of the Duplex runtime server whose data directory is {@code serverDataDir}. */
    public void trustServerOf(Path serverDataDir) throws IOException {
        trustServer(serverDataDir.resolve("opcua/server.der"));
    }

    /** The server certificates in {@link #trustedServersDirectory()} now; unreadable files are skipped. */
    java.util.Set<String> trustedServerFingerprints() {
        java.util.Set<String> found = new java.util.HashSet<>();
        Path dir = trustedServersDirectory();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".der")).toList()) {
                try {
                    found.add(fingerprintOf(certificateOf(Files.readAllBytes(f))));
                } catch (IOException | java.security.cert.CertificateException e) {
                    // not a certificate: it trusts nothing
                }
            }
        } catch (IOException e) {
            // an unreadable directory trusts nothing
        }
        return found;
    }

    private static X509Certificate certificateOf(byte[] der) throws java.security.cert.CertificateException {
        return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    static String fingerprintOf(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    private byte[] der() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return applicationUri + " (SHA-256 " + fingerprint() + ")";
    }
}
