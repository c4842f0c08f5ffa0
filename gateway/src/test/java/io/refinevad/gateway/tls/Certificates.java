package io.refinevad.gateway.tls;

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
 * EC in PKCS#8, or RSA in PKCS#1 as cert-manager writes them by default ({@link #rsaPkcs1}).
 */
final class Certificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A PEM certificate and its key, as files. */
    record Issued(Path certificate, Path key) {
        byte[] certificateBytes() {
            return read(certificate);
        }

        byte[] keyBytes() {
            return read(key);
        }
    }

    private Certificates() {
    }

    /** A self-signed CA named {@code name}, in {@code dir}. */
    static Issued authority(Path dir, String name) {
        Issued ca = files(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.key().toString(), "-out", ca.certificate().toString(), "-days", "1",
                "-subj", "/CN=" + name);
        return ca;
    }

    /** A certificate named {@code name}, also valid for localhost and 127.0.0.1, signed by {@code ca}. */
    static Issued issue(Issued ca, Path dir, String name, boolean rsaPkcs1) {
        Issued issued = files(dir, name);
        if (rsaPkcs1) {
            openssl(dir, "genrsa", "-traditional", "-out", issued.key().toString(), "2048");
        } else {
            openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-out", issued.key().toString());
        }
        Path request = dir.resolve(name + ".csr");
        Path extensions = dir.resolve(name + ".ext");
        write(extensions, "subjectAltName=DNS:localhost,IP:127.0.0.1\n".getBytes(StandardCharsets.US_ASCII));
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

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
