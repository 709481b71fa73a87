package scada.redundancy.runtime.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A server's (or a monitoring client's) own key pair and self-signed certificate for the
 * redundancy link: EC P-256, made on first use and kept in {@code link-identity.p12} in the data
 * directory (readable by its owner only), with the certificate also as {@code link-cert.pem} for
 * people. Partners recognise each other by the certificate's SHA-256 fingerprint, as Ignition's
 * gateway network approves certificates: no certificate authority is involved.
 */
public final class LinkIdentity {
    public static final String KEYSTORE_FILE = "link-identity.p12";
    public static final String CERTIFICATE_FILE = "link-cert.pem";
    private static final String ALIAS = "link";
    // The file is protected by its permissions; PKCS#12 needs some password.
    private static final char[] STORE_PASSWORD = "duplex-link".toCharArray();

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final String fingerprint;

    private LinkIdentity(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
        this.fingerprint = fingerprintOf(certificate);
    }

    /** Loads the identity kept in {@code dataDir}, making and saving a new one if there is none. */
    public static LinkIdentity loadOrCreate(Path dataDir, String commonName) throws IOException {
        Path store = dataDir.resolve(KEYSTORE_FILE);
        try {
            if (Files.exists(store)) {
                return load(store);
            }
            Files.createDirectories(dataDir);
            LinkIdentity identity = create(commonName);
            identity.save(dataDir);
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IOException(store + ": cannot load or create the link identity: " + e.getMessage(), e);
        }
    }

    private static LinkIdentity load(Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
        X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
        if (key == null || cert == null) {
            throw new GeneralSecurityException("no key '" + ALIAS + "' in the store");
        }
        return new LinkIdentity(key, cert);
    }

    static LinkIdentity create(String commonName) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=Duplex redundancy link");
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365L * 30))), name, pair.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new LinkIdentity(pair.getPrivate(), cert);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the certificate", e);
        }
    }

    private void save(Path dataDir) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new X509Certificate[] { certificate });
        Path temp = Files.createTempFile(dataDir, ".link-identity", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's protection has to do
            }
            try (OutputStream out = Files.newOutputStream(temp)) {
                ks.store(out, STORE_PASSWORD);
            }
            Files.move(temp, dataDir.resolve(KEYSTORE_FILE), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        Files.writeString(dataDir.resolve(CERTIFICATE_FILE), pem(), StandardCharsets.US_ASCII);
    }

    public PrivateKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of the certificate: 64 lower-case hex digits. */
    public String fingerprint() {
        return fingerprint;
    }

    public String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 fingerprint of a certificate: 64 lower-case hex digits. */
    public static String fingerprintOf(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()))
                    .toLowerCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
