package io.tenantroute.proxy.testsupport;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate and its key as PEM files, made with the JDK's {@code keytool} (no OpenSSL, no
 * BouncyCastle): {@code cert.pem} (also usable as the trusted root of verify-ca/verify-full) and {@code key.pem}
 * (unencrypted PKCS#8, mode 0600 as PostgreSQL requires of {@code ssl_key_file}).
 *
 * @param cert the certificate PEM file
 * @param key the private key PEM file
 */
public record TestCertificates(Path cert, Path key) {
    /**
     * @param dir where to write the files
     * @param name a file name prefix
     * @param commonName the subject's CN
     * @param subjectAltNames keytool's SAN list, e.g. {@code dns:localhost,ip:127.0.0.1}
     */
    public static TestCertificates create(Path dir, String name, String commonName, String subjectAltNames) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-dname", "CN=" + commonName, "-ext", "SAN=" + subjectAltNames, "-validity", "3",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, "changeit".toCharArray());
        Certificate cert = ks.getCertificate(name);
        Path certFile = dir.resolve(name + "-cert.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return new TestCertificates(certFile, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
