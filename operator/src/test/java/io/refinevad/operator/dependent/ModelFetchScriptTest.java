package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.refinevad.operator.crd.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init container's fetch script run for real, with this machine's sh, curl and tar, against a local HTTP
 * server: what it accepts, and the exit code (which the status turns into a reason) for each thing it refuses. Its
 * /models is a temporary folder, written into the script in place of the pod's path.
 *
 * <p>With -Drefinevad.model-fetcher.rootfs=DIR (images/test-images.sh), the script runs in the model-fetcher image
 * instead: chrooted into its unpacked root filesystem, as the pods' uid 10001, with the image's PATH, so every case
 * also shows that the image holds what the script uses.
 */
class ModelFetchScriptTest {

    private static final int LIMIT = 256 * 1024;
    /** Marks an entry of {@link #archive} as a symbolic link. */
    private static final String SYMLINK_PREFIX = "symlink:";
    private static final String FETCHER_ROOTFS = System.getProperty("refinevad.model-fetcher.rootfs");

    @TempDir
    Path models;

    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = bodies.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                // Length 0 means chunked: no Content-Length, so curl cannot refuse the size up front.
                exchange.sendResponseHeaders(200, exchange.getRequestURI().getPath().startsWith("/chunked/")
                        ? 0 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                } catch (IOException clientStopped) {
                    // curl stops reading once the download passes the limit
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aModelWithinTheLimitIsVerifiedAndUnpacked() throws Exception {
        byte[] archive = archive(Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8),
                "model.onnx", new byte[1000]));
        bodies.put("/m.tgz", archive);

        Result result = fetch(model("http://127.0.0.1:" + port() + "/m.tgz", archive, true));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(models.resolve("manifest.json")).exists();
        assertThat(models.resolve("model.onnx")).hasSize(1000);
        assertThat(Files.list(models).map(p -> p.getFileName().toString()).toList())
                .as("nothing left behind").containsExactlyInAnyOrder("manifest.json", "model.onnx");
    }

    /**
     * Packed as the docs say (tar -czf model.tar.gz -C EXPORT .), the archive's first entry is "./": /models
     * itself, which the pod's user does not own (an emptyDir). Seen on the real node: unpacking it must not try to
     * set /models' mode and times (only the image's run, as uid 10001, can show it).
     */
    @Test
    void anArchiveOfTheExportFolderItselfUnpacksIntoAModelsFolderItDoesNotOwn() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("./", null);
        files.put("./manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] archive = archive(files);
        bodies.put("/m.tgz", archive);

        Result result = fetch(model("http://127.0.0.1:" + port() + "/m.tgz", archive, true));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(models.resolve("manifest.json")).exists();
    }

    @Test
    void anArchiveLargerThanTheLimitIsRefusedWhetherOrNotTheServerSaysItsSize() throws Exception {
        byte[] archive = archive(Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8),
                "model.onnx", random(LIMIT + 1)));
        bodies.put("/announced.tgz", archive);
        bodies.put("/chunked/unannounced.tgz", archive);

        for (String path : List.of("/announced.tgz", "/chunked/unannounced.tgz")) {
            Result result = fetch(model("http://127.0.0.1:" + port() + path, archive, true));

            assertThat(result.exitCode()).as(path + ": " + result.output())
                    .isEqualTo(ModelFetchScript.Failure.TOO_LARGE.exitCode());
            assertThat(result.output()).contains("larger than the size limit of " + LIMIT + " bytes");
            assertThat(models).isEmptyDirectory();
        }
    }

    @Test
    void aSmallArchiveThatUnpacksPastTheLimitIsNotUnpacked() throws Exception {
        byte[] bomb = archive(Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8),
                "zeros", new byte[16 * LIMIT]));
        assertThat(bomb.length).as("the bomb itself fits the limit").isLessThan(LIMIT);
        bodies.put("/bomb.tgz", bomb);

        Result result = fetch(model("http://127.0.0.1:" + port() + "/bomb.tgz", bomb, true));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(ModelFetchScript.Failure.TOO_LARGE.exitCode());
        assertThat(result.output()).contains("unpacks to more than the size limit");
        assertThat(models).isEmptyDirectory();
    }

    @Test
    void plainHttpIsRefusedUnlessTheDetectorAllowsIt() throws Exception {
        byte[] archive = archive(Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8)));
        bodies.put("/m.tgz", archive);

        Result result = fetch(model("http://127.0.0.1:" + port() + "/m.tgz", archive, false));

        assertThat(result.exitCode()).as(result.output())
                .isEqualTo(ModelFetchScript.Failure.DOWNLOAD_FAILED.exitCode());
        assertThat(result.output()).contains("allowed protocols =https");
    }

    @Test
    void aWrongDigestAndAnArchiveWithoutManifestSayWhich() throws Exception {
        byte[] archive = archive(Map.of("model.onnx", new byte[10]));
        bodies.put("/m.tgz", archive);
        String url = "http://127.0.0.1:" + port() + "/m.tgz";

        Result mismatch = fetch(model(url, "not the archive".getBytes(StandardCharsets.UTF_8), true));
        assertThat(mismatch.exitCode()).as(mismatch.output())
                .isEqualTo(ModelFetchScript.Failure.CHECKSUM_MISMATCH.exitCode());
        // Issue 16: nothing of what the server sent reaches the log, its digest included.
        assertThat(mismatch.output()).contains("sha256 mismatch").doesNotContain(sha256(archive));

        Result noManifest = fetch(model(url, archive, true));
        assertThat(noManifest.exitCode()).as(noManifest.output())
                .isEqualTo(ModelFetchScript.Failure.NOT_AN_ARCHIVE.exitCode());
    }

    @Test
    void aMissingArchiveIsADownloadFailure() throws Exception {
        byte[] archive = archive(Map.of("manifest.json", new byte[2]));

        Result result = fetch(model("http://127.0.0.1:" + port() + "/missing.tgz", archive, true));

        assertThat(result.exitCode()).as(result.output())
                .isEqualTo(ModelFetchScript.Failure.DOWNLOAD_FAILED.exitCode());
        assertThat(result.output()).as("curl's own error text").doesNotContain("curl:")
                .contains("curl exit code 22");
    }

    /** Issue 16: a link in the archive would let the model point the server at any file of the pod. */
    @Test
    void anArchiveHoldingALinkIsRefusedAndNothingIsUnpacked() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put(SYMLINK_PREFIX + "model.onnx", "/etc/passwd".getBytes(StandardCharsets.UTF_8));
        byte[] archive = archive(files);
        bodies.put("/linked.tgz", archive);

        Result result = fetch(model("http://127.0.0.1:" + port() + "/linked.tgz", archive, true));

        assertThat(result.exitCode()).as(result.output())
                .isEqualTo(ModelFetchScript.Failure.NOT_AN_ARCHIVE.exitCode());
        assertThat(result.output()).contains("holds a link or a special file");
        assertThat(models).isEmptyDirectory();
    }

    private record Result(int exitCode, String output) {
    }

    private Result fetch(ModelSpec model) throws IOException, InterruptedException {
        String script = ModelFetchScript.SCRIPT.replace("/models", models.toString());
        ProcessBuilder builder = new ProcessBuilder(FETCHER_ROOTFS == null ? List.of("sh", "-c", script)
                : inFetcherImage(script)).redirectErrorStream(true);
        if (FETCHER_ROOTFS != null) {
            builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        for (EnvVar variable : ModelFetchScript.environment(model)) {
            builder.environment().put(variable.getName(), variable.getValue());
        }
        builder.environment().put("MODEL_SIZE_LIMIT_BYTES", String.valueOf(LIMIT));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The script in the image's root, the temporary /models bound at the same path there (in a mount namespace
     *  of its own, so the bind goes away with the process), run as the pods' non-root user. */
    private List<String> inFetcherImage(String script) throws IOException {
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxrwxrwx"));
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mkdir -p \"$1$2\" && mount --bind \"$2\" \"$1$2\""
                        + " && exec chroot --userspec=10001:10001 \"$1\" sh -c \"$3\"",
                "fetch-in-image", FETCHER_ROOTFS, models.toString(), script);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static ModelSpec model(String uri, byte[] archive, boolean allowHttp) {
        ModelSpec model = new ModelSpec();
        model.setUri(uri);
        model.setSha256(sha256(archive));
        model.setAllowHttp(allowHttp);
        return model;
    }

    /**
     * A .tar.gz of these files (a null content: a directory; a name starting with {@link #SYMLINK_PREFIX}: a
     * symbolic link to the content), written with the JDK (ustar headers, gzip).
     */
    private static byte[] archive(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                if (file.getValue() == null) {
                    gzip.write(tarHeader(file.getKey(), 0, '5', "0000755"));
                    continue;
                }
                if (file.getKey().startsWith(SYMLINK_PREFIX)) {
                    byte[] header = tarHeader(file.getKey().substring(SYMLINK_PREFIX.length()), 0, '2', "0000777",
                            new String(file.getValue(), StandardCharsets.UTF_8));
                    gzip.write(header);
                    continue;
                }
                gzip.write(tarHeader(file.getKey(), file.getValue().length, '0', "0000644"));
                gzip.write(file.getValue());
                gzip.write(new byte[(512 - file.getValue().length % 512) % 512]);
            }
            gzip.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static byte[] tarHeader(String name, long size, char type, String mode) {
        return tarHeader(name, size, type, mode, "");
    }

    private static byte[] tarHeader(String name, long size, char type, String mode, String linkTarget) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 157, linkTarget);
        put(header, 100, mode);
        put(header, 108, "0001750");
        put(header, 116, "0001750");
        put(header, 124, String.format("%011o", size));
        put(header, 136, String.format("%011o", 0L));
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        Arrays.fill(header, 148, 156, (byte) ' ');
        int checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        put(header, 148, String.format("%06o", checksum));
        header[154] = 0;
        return header;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
