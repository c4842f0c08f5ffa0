package io.refinevad.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificate authorities and the certificates they sign, made by openssl in the test (no key is committed). Keys are
 * EC in PKCS#8, or RSA in PKCS#1 as cert-manager writes them by default.
 */
public final class Certificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A PEM certificate and its key, as files. */
    public record Issued(Path certificate, Path key) {
        public byte[] certificateBytes() {
            return read(certificate);
        }

        public byte[] keyBytes() {
            return read(key);
        }
    }

    private Certificates() {
    }

    /** A self-signed CA named {@code name}, in {@code dir}. */
    public static Issued authority(Path dir, String name) {
        Issued ca = files(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.key().toString(), "-out", ca.certificate().toString(), "-days", "1",
                "-subj", "/CN=" + name);
        return ca;
    }

    /**
     * A certificate named {@code name}, valid for localhost, 127.0.0.1 and {@code alsoFor} (subjectAltName entries:
     * DNS:name or IP:address), signed by {@code ca}; its key RSA in PKCS#1 if {@code rsaPkcs1}, else EC in PKCS#8.
     */
    public static Issued issue(Issued ca, Path dir, String name, boolean rsaPkcs1, String... alsoFor) {
        Issued issued = files(dir, name);
        if (rsaPkcs1) {
            openssl(dir, "genrsa", "-traditional", "-out", issued.key().toString(), "2048");
        } else {
            openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-out", issued.key().toString());
        }
        Path request = dir.resolve(name + ".csr");
        Path extensions = dir.resolve(name + ".ext");
        List<String> altNames = new ArrayList<>(List.of("DNS:localhost", "IP:127.0.0.1"));
        altNames.addAll(List.of(alsoFor));
        write(extensions, ("subjectAltName=" + String.join(",", altNames) + "\n").getBytes(StandardCharsets.US_ASCII));
        openssl(dir, "req", "-new", "-key", issued.key().toString(), "-subj", "/CN=" + name,
                "-out", request.toString());
        openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", ca.certificate().toString(),
                "-CAkey", ca.key().toString(), "-set_serial", String.valueOf(SERIAL.incrementAndGet()),
                "-days", "1", "-extfile", extensions.toString(), "-out", issued.certificate().toString());
        return issued;
    }

    private static Issued files(Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("openssl (scripts/bootstrap.sh installs it) did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
