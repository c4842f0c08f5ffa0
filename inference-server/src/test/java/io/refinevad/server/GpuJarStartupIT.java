package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.api.Float32Bytes;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.testsupport.PackagedApp;
import io.refinevad.testsupport.PackagedScoringServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The -Pgpu build's packaged server (onnxruntime_gpu: the CUDA and TensorRT providers beside the CPU one) on a machine
 * without a GPU or CUDA, as CI is: with refinevad.gpu.provider unset it serves on the CPU provider, scoring the golden
 * vectors over gRPC; asked for CUDA or TensorRT it stops before serving, with one line that names the library the
 * node lacks and no stack trace. Run by make gpu-test (docs/GPU.md).
 */
@EnabledIf("io.refinevad.server.GpuBuild#isGpuBuild")
class GpuJarStartupIT {
    private static final int DIM = 512;
    private static final Path BUILD = Path.of(System.getProperty("project.build.directory", "target"));
    private static final Path PACKAGED_JAR = BUILD.resolve("quarkus-app/quarkus-run.jar");

    @Test
    void theGpuJarServesOnTheCpuProviderWhenNoProviderIsAsked() throws Exception {
        try (Stream<Path> libs = Files.list(PACKAGED_JAR.resolveSibling("lib/main"))) {
            List<String> onnxRuntime = libs.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("com.microsoft.onnxruntime.")).toList();
            assertEquals(1, onnxRuntime.size(), onnxRuntime.toString());
            assertTrue(onnxRuntime.get(0).startsWith("com.microsoft.onnxruntime.onnxruntime_gpu-"), onnxRuntime.get(0));
        }
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                BUILD.resolve("gpu-jar-cpu-provider-server.log"))) {
            ScoringGrpc.ScoringBlockingStub scoring = ScoringGrpc.newBlockingStub(server.channel());
            assertEquals("OnnxRuntime", scoring.getModelInfo(GetModelInfoRequest.getDefaultInstance()).getEngine());

            // Row 0 of the b3_t40 golden case is a whole 40-segment clip, as ScoreRpcTest sends it to the CPU build.
            NpyFloatMatrix x = GoldenVectors.read("b3_t40_x");
            int time = x.shape()[1];
            float[] clip = Arrays.copyOf(x.values(), time * DIM);
            float[] expectedScores = Arrays.copyOf(GoldenVectors.read("b3_t40_scores").values(), time);
            ScoreResponse response = scoring.score(ScoreRequest.newBuilder().setFeatures(Features.newBuilder()
                    .setSegments(time).setFeatureDim(DIM).setData(Float32Bytes.pack(clip))).build());
            float[] scores = new float[response.getScoresCount()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = response.getScores(i);
            }
            float diff = GoldenVectors.maxAbsDiff(expectedScores, scores);
            assertTrue(diff < GoldenVectors.TOLERANCE, "scores differ from the golden vectors by " + diff);
        }
    }

    /**
     * The library named is the first one the provider's native links that the dynamic loader cannot find: on a
     * machine without CUDA, cuBLAS for both (the TensorRT provider links libcublas before libnvinfer; a node with
     * CUDA but without TensorRT gets libnvinfer.so.10 named).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"CUDA, libcublasLt.so.12", "TENSORRT, libcublas.so.12"})
    void askingForAProviderWithoutItsLibrariesStopsTheServerWithOneLine(String provider, String library)
            throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has an NVIDIA driver");
        Path log = BUILD.resolve("gpu-jar-" + provider.toLowerCase() + "-missing-server.log");
        PackagedApp app = PackagedApp.builder(PACKAGED_JAR).log(log)
                .property("quarkus.grpc.server.port", PackagedApp.freePort())
                .property("refinevad.admin.port", PackagedApp.freePort())
                .property("quarkus.http.port", PackagedApp.freePort())
                .property("refinevad.gpu.provider", provider)
                .start();
        try {
            assertTrue(app.process().waitFor(90, TimeUnit.SECONDS), "the server stops on its own:\n" + app.log());
            assertNotEquals(0, app.process().exitValue(), app.log());
        } finally {
            app.close();
        }
        String output = app.log();
        String asked = "refinevad.gpu.provider=" + provider;
        List<String> ours = output.lines().filter(line -> line.contains(asked)).toList();
        assertEquals(1, ours.size(), output);
        String message = ours.get(0);
        assertTrue(message.startsWith(asked + ": ONNX Runtime's " + provider + " provider cannot load " + library
                + " "), message);
        assertEquals(message, lastLine(output), "the message is the last thing the server says");
        assertTrue(output.lines().noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception")), output);
    }

    private static String lastLine(String output) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return lines.get(lines.size() - 1);
    }
}
