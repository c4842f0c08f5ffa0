package io.refinevad.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * grpcurl (built by e2e/tools/build-tools.sh) as a camera: the stream's messages are JSON read from its standard input
 * ({@code -d @}) and sent one by one as they come, its answers JSON objects on its standard output; it finds the
 * service through the gateway's reflection, with no .proto file.
 */
final class GrpcurlCamera extends ProgramCamera {
    private static final Path GRPCURL = Path.of(System.getenv().getOrDefault("REFINEVAD_TOOLS",
            Path.of(System.getProperty("user.home"), ".cache", "refinevad", "tools", "bin").toString()), "grpcurl");
    private final Path log;

    private GrpcurlCamera(Path grpcurl, String target, Path log) {
        super(List.of(grpcurl.toString(), "-plaintext", "-d", "@", target, "refinevad.v1.Scoring/StreamScores"),
                log);
        this.log = log;
    }

    /** Starts grpcurl streaming as {@code id} and sends the stream's OpenStream. */
    static GrpcurlCamera start(String target, String id, Path log) {
        GrpcurlCamera camera = new GrpcurlCamera(tool(GRPCURL, "run e2e/tools/build-tools.sh"), target, log);
        camera.write("{\"open\": {\"streamId\": \"" + id + "\"}}\n");
        return camera;
    }

    @Override
    String message(int t) {
        String data = Base64.getEncoder().encodeToString(Camera.segment(t).getFeatures().getData().toByteArray());
        return "{\"segments\": {\"firstSequence\": \"" + t + "\", \"features\": {\"segments\": 1, \"featureDim\": "
                + Golden.featureDim() + ", \"data\": \"" + data + "\"}}}\n";
    }

    /** grpcurl prints each answer as a JSON object (fields at their default value left out), errors on stderr. */
    @Override
    void read(InputStream output) throws IOException {
        try (MappingIterator<JsonNode> objects = new ObjectMapper().readerFor(JsonNode.class).readValues(output)) {
            while (objects.hasNext()) {
                JsonNode answer = objects.next();
                if (answer.has("opened")) {
                    opened.incrementAndGet();
                } else if (answer.has("score")) {
                    JsonNode score = answer.get("score");
                    answers.add(new Answer(score.path("sequence").asLong(0), (float) score.path("score").asDouble(0)));
                }
            }
        }
        try {
            ended.complete(exitCode() == 0 ? "OK" : Files.readString(log).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
