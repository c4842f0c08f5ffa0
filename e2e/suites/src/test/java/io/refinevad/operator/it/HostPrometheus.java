package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.e2e.cluster.LocalCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Prometheus that e2e/tools/build-tools.sh builds, run as a process on this host with a configuration and a
 * rule file the test writes, asked through its HTTP API. Its data, configuration and log are in target/`name`/.
 */
final class HostPrometheus implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final URI api;

    private HostPrometheus(Process process, URI api) {
        this.process = process;
        this.api = api;
    }

    /** Starts Prometheus with `config` (prometheus.yml, naming rules.yml) and `rules`; returns once it is ready. */
    static HostPrometheus start(LocalCluster cluster, String name, String config, String rules) throws IOException {
        Path work = Path.of("target", name).toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        Files.writeString(work.resolve("prometheus.yml"), config);
        Files.writeString(work.resolve("rules.yml"), rules);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process process = new ProcessBuilder(cluster.toolsDir().resolve("prometheus").toString(),
                "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        HostPrometheus prometheus = new HostPrometheus(process, URI.create("http://127.0.0.1:" + port));
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(process.isAlive()).as("prometheus running (log: %s)", work.resolve("prometheus.log"))
                        .isTrue();
                assertThat(prometheus.get("/-/ready").statusCode()).isEqualTo(200);
            });
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /**
     * The samples of an instant query whose result is a vector (each with "metric" and "value": [time, "number"]),
     * asserting that the query succeeded and gave a vector.
     */
    List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode data = answer("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data");
        assertThat(data.path("resultType").asText()).as("result of %s", promql).isEqualTo("vector");
        List<JsonNode> samples = new ArrayList<>();
        data.path("result").forEach(samples::add);
        return samples;
    }

    /**
     * The series of a range query from `start` to `end` at `step` (each with "metric" and "values": [[time,
     * "number"], ...]), asserting that the query succeeded and gave a matrix.
     */
    List<JsonNode> queryRange(String promql, Instant start, Instant end, Duration step)
            throws IOException, InterruptedException {
        JsonNode data = answer("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds())
                .path("data");
        assertThat(data.path("resultType").asText()).as("result of %s", promql).isEqualTo("matrix");
        List<JsonNode> series = new ArrayList<>();
        data.path("result").forEach(series::add);
        return series;
    }

    /** The names of the alerts now firing. */
    List<String> firingAlerts() throws IOException, InterruptedException {
        List<String> firing = new ArrayList<>();
        answer("/api/v1/alerts").path("data").path("alerts").forEach(alert -> {
            if ("firing".equals(alert.path("state").asText())) {
                firing.add(alert.path("labels").path("alertname").asText());
            }
        });
        return firing;
    }

    /** The scrape targets that are up, by their job. */
    List<String> healthyTargetJobs() throws IOException, InterruptedException {
        List<String> jobs = new ArrayList<>();
        answer("/api/v1/targets?state=active").path("data").path("activeTargets").forEach(target -> {
            if ("up".equals(target.path("health").asText())) {
                jobs.add(target.path("labels").path("job").asText());
            }
        });
        return jobs;
    }

    private JsonNode answer(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("status").asText()).as("%s: %s", path, response.body()).isEqualTo("success");
        return answer;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A run's data starts empty: series and alert states of an earlier run would answer the queries. */
    private static void deleteRecursively(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** SIGTERM, then SIGKILL if Prometheus has not stopped within 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
