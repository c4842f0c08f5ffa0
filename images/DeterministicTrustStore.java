import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the Java trust store of a Debian root filesystem (etc/ssl/certs/java/cacerts) from its enabled CA
 * certificates (etc/ssl/certs/*.pem), the same bytes every time: what ca-certificates-java writes is a PKCS12 file
 * with a random MAC salt and the moment of the build in it, so two builds of the same packages would differ. This is a
 * JKS file (which Java 17 reads as its default trust store) of trusted-certificate entries, aliased as Debian aliases
 * them (debian:NAME.pem), in name order, each dated at SOURCE_DATE_EPOCH, with the password Debian uses (changeit).
 *
 * <p>Run by images/build-base.sh on the host's JDK: java images/DeterministicTrustStore.java ROOTFS.
 */
public final class DeterministicTrustStore {

    private static final int MAGIC = 0xfeedfeed;
    private static final int VERSION = 2;
    private static final int TRUSTED_CERTIFICATE = 2;
    private static final char[] PASSWORD = "changeit".toCharArray();

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DeterministicTrustStore ROOTFS (got " + args.length + " arguments)");
        }
        Path rootfs = Path.of(args[0]);
        long date = Long.parseLong(System.getenv("SOURCE_DATE_EPOCH")) * 1000L;
        List<Path> certificates;
        try (Stream<Path> files = Files.list(rootfs.resolve("etc/ssl/certs"))) {
            certificates = files.filter(file -> file.getFileName().toString().endsWith(".pem")).sorted().toList();
        }
        if (certificates.isEmpty()) {
            throw new IllegalStateException("no CA certificates in " + rootfs.resolve("etc/ssl/certs"));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(certificates.size());
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        for (Path file : certificates) {
            byte[] encoded = read(x509, insideRoot(rootfs, file)).getEncoded();
            out.writeInt(TRUSTED_CERTIFICATE);
            out.writeUTF("debian:" + file.getFileName());
            out.writeLong(date);
            out.writeUTF("X.509");
            out.writeInt(encoded.length);
            out.write(encoded);
        }
        out.write(integrityDigest(bytes.toByteArray()));
        Path trustStore = rootfs.resolve("etc/ssl/certs/java/cacerts");
        Files.write(trustStore, bytes.toByteArray());
        System.err.println("[trust-store] " + certificates.size() + " certificates in " + trustStore);
    }

    /** The .pem files are links to /usr/share/ca-certificates/...: resolved inside the root, not on this machine. */
    private static Path insideRoot(Path rootfs, Path file) throws IOException {
        Path current = file;
        for (int hops = 0; Files.isSymbolicLink(current); hops++) {
            if (hops > 8) {
                throw new IOException("too many links from " + file);
            }
            Path target = Files.readSymbolicLink(current);
            current = target.isAbsolute() ? rootfs.resolve(target.toString().substring(1))
                    : current.resolveSibling(target);
        }
        return current;
    }

    private static X509Certificate read(CertificateFactory x509, Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) x509.generateCertificate(in);
        }
    }

    /** JKS's keyed digest: SHA-1 over the password (UTF-16BE), "Mighty Aphrodite" and the store's bytes. */
    private static byte[] integrityDigest(byte[] store) throws NoSuchAlgorithmException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (char c : PASSWORD) {
            sha1.update((byte) (c >> 8));
            sha1.update((byte) c);
        }
        sha1.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
        sha1.update(store);
        return sha1.digest();
    }
}
