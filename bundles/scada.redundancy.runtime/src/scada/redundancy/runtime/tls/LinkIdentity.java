package scada.redundancy.runtime.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Arrays;
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

    /**
     * Loads the identity kept in {@code dataDir}, making and saving a new one if there is none. A
     * damaged key store is refused with what to do, never replaced: a new identity would silently
     * break every partner that pinned the old certificate.
     */
    public static LinkIdentity loadOrCreate(Path dataDir, String commonName) throws IOException {
        Path store = dataDir.resolve(KEYSTORE_FILE);
        if (Files.exists(store)) {
            LinkIdentity identity = load(store);
            identity.restoreCertificateFile(dataDir);
            return identity;
        }
        try {
            LinkIdentity identity = create(commonName);
            identity.save(dataDir);
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IOException(store + ": cannot create the link identity: " + e.getMessage(), e);
        }
    }

    private static LinkIdentity load(Path store) throws IOException {
        // A link key store is about 1 KiB; anything far larger is not one, and is not read whole.
        byte[] bytes = Files.size(store) <= 64 * 1024 ? Files.readAllBytes(store) : new byte[0];
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), STORE_PASSWORD);
            if (ks.getKey(ALIAS, STORE_PASSWORD) instanceof PrivateKey key
                    && ks.getCertificate(ALIAS) instanceof X509Certificate cert) {
                return new LinkIdentity(key, cert);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // what the parser says of a torn file helps nobody; what to do does (below)
        }
        throw new IOException(store + " is damaged (truncated or not a PKCS#12 key store with this server's link key): "
                + "restore it from a backup, or delete it to make a new identity — partners that pinned the old "
                + "certificate must then be given the new fingerprint");
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

    /** Writes the key store and then the certificate for people, each crash-safe (see {@link DurableFiles}). */
    private void save(Path dataDir) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new X509Certificate[] { certificate });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ks.store(bytes, STORE_PASSWORD);
        DurableFiles.replace(dataDir.resolve(KEYSTORE_FILE), bytes.toByteArray(), PosixFilePermissions.fromString("rw-------"));
        DurableFiles.replace(dataDir.resolve(CERTIFICATE_FILE), pem().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A crash between writing the key store and the certificate file leaves the latter missing or
     * old: write it again. Best effort: it is a copy for people, and a monitoring client's
     * identity may live in a directory it can only read.
     */
    private void restoreCertificateFile(Path dataDir) {
        Path file = dataDir.resolve(CERTIFICATE_FILE);
        try {
            byte[] pem = pem().getBytes(StandardCharsets.US_ASCII);
            if (!Files.isRegularFile(file) || Files.size(file) != pem.length || !Arrays.equals(pem, Files.readAllBytes(file))) {
                DurableFiles.replace(file, pem);
            }
        } catch (IOException e) {
            // the key store is what counts; the server's log names its fingerprint anyway
        }
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
