package io.thoughtanchors.worker.grpc;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway certificate authority made at test time (nothing secret is committed): a CA and the certificates it
 * signs (for {@code localhost} and 127.0.0.1), written as the PEM files a worker and {@code ta} are given.
 */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path dir;
    private final String name;
    private final KeyPair key;
    private final X509CertificateHolder certificate;
    /** The CA certificate, PEM. */
    final Path caFile;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.key = newKey();
        Instant now = Instant.now();
        this.certificate = sign(new X500Name("CN=" + name), key, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), true, null);
        this.caFile = writePem(name + "-ca.pem", "CERTIFICATE", encoded(certificate));
    }

    static TestPki create(Path dir, String name) {
        return new TestPki(dir, name);
    }

    /** A certificate and its key, as PEM files. */
    record Issued(Path certificate, Path key) {
    }

    /** A certificate for {@code localhost} / 127.0.0.1, valid from an hour ago for a day. */
    Issued issue(String subject) {
        Instant now = Instant.now();
        return issue(subject, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    /** A certificate for {@code localhost} / 127.0.0.1, valid between the two instants (past ones: expired). */
    Issued issue(String subject, Instant notBefore, Instant notAfter) {
        KeyPair leafKey = newKey();
        X509CertificateHolder leaf = sign(new X500Name("CN=" + subject), leafKey, notBefore, notAfter, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        String stem = name + "-" + subject;
        return new Issued(writePem(stem + ".pem", "CERTIFICATE", encoded(leaf)),
                writePem(stem + ".key", "PRIVATE KEY", leafKey.getPrivate().getEncoded()));  // PKCS#8
    }

    private X509CertificateHolder sign(X500Name subject, KeyPair subjectKey, Instant notBefore, Instant notAfter,
                                       boolean ca, GeneralNames names) {
        try {
            X500Name issuer = ca ? subject : certificate.getSubject();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    subjectKey.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build((ca ? subjectKey : key).getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509CertificateHolder holder) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path writePem(String file, String type, byte[] der) {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            return Files.writeString(dir.resolve(file), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
