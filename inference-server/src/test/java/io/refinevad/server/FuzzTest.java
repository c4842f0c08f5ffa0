package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ModelInferResponse;
import io.refinevad.api.oip.ModelMetadataRequest;
import io.refinevad.api.oip.ModelReadyRequest;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.server.stream.StreamRegistry;
import io.refinevad.testsupport.RawCall;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Byte-mutated requests (ProtobufMutator) over valid ones of every RPC on both ports: Scoring, the Open Inference
 * Protocol, health, reflection (v1 and v1alpha) and Admin. Whatever arrives, no call ends UNKNOWN or INTERNAL (nor
 * hangs: DEADLINE_EXCEEDED only for health's endless Watch), no OK answer holds a non-finite score or probability,
 * nothing is logged at WARNING or with a stack trace, every stream slot is released, and the heap comes back.
 * A fixed seed and 2000 cases here; -Drefinevad.fuzz.seed=N and -Drefinevad.fuzz.cases=N (bench/fuzz.sh) run others.
 */
@QuarkusTest
class FuzzTest {
    private static final long SEED = Long.getLong("refinevad.fuzz.seed", 20261201L);
    private static final int CASES = Integer.getInteger("refinevad.fuzz.cases", 2000);
    private static final int DIM = 512;
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();
    private static final int CLIP_SEGMENTS = CLIP.length / DIM;
    private static final long HEAP_GROWTH_ALLOWED = 256L << 20;

    @GrpcClient("scoring")
    Channel scoring;

    @GrpcClient("admin")
    Channel admin;

    @Inject
    StreamRegistry registry;

    private final Random random = new Random(SEED);
    private final ProtobufMutator mutator = new ProtobufMutator(random);

    /** One RPC: where it is, its type, and valid request messages for a call of it (several for a stream). */
    private record Rpc(String method, MethodType type, boolean onAdminPort, Function<Random, List<byte[]>> requests,
                       Checker answers) {
    }

    @FunctionalInterface
    private interface Checker {
        void check(byte[] response) throws InvalidProtocolBufferException;
    }

    private static final Checker ANY = response -> { };

    private final List<Rpc> rpcs = List.of(
            unary("refinevad.v1.Scoring/Score", r -> scoreRequest(r).toByteArray(), FuzzTest::finiteScores),
            unary("refinevad.v1.Scoring/GetModelInfo", r -> new byte[0], ANY),
            unary("refinevad.v1.Scoring/GetLoadReport", r -> new byte[0], ANY),
            unary("refinevad.v1.Scoring/Drain", r -> new byte[0], ANY),
            new Rpc("refinevad.v1.Scoring/StreamScores", MethodType.BIDI_STREAMING, false, FuzzTest::streamRequests,
                    FuzzTest::finiteStreamScores),
            unary("inference.GRPCInferenceService/ModelInfer", r -> inferRequest(r).toByteArray(),
                    FuzzTest::finiteInferOutputs),
            unary("inference.GRPCInferenceService/ServerLive", r -> new byte[0], ANY),
            unary("inference.GRPCInferenceService/ServerReady", r -> new byte[0], ANY),
            unary("inference.GRPCInferenceService/ServerMetadata", r -> new byte[0], ANY),
            unary("inference.GRPCInferenceService/ModelReady",
                    r -> ModelReadyRequest.newBuilder().setName("refinevad").build().toByteArray(), ANY),
            unary("inference.GRPCInferenceService/ModelMetadata",
                    r -> ModelMetadataRequest.newBuilder().setName("refinevad").build().toByteArray(), ANY),
            unary("grpc.health.v1.Health/Check", r -> HealthCheckRequest.newBuilder().build().toByteArray(), ANY),
            new Rpc("grpc.health.v1.Health/Watch", MethodType.SERVER_STREAMING, false,
                    r -> List.of(HealthCheckRequest.newBuilder().build().toByteArray()), ANY),
            reflection("grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
            reflection("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            admin("refinevad.v1.Admin/GetLoadReport"),
            admin("refinevad.v1.Admin/Drain"),
            admin("refinevad.v1.Admin/Undrain"));

    @Test
    void mutatedRequestsOfEveryRpcNeverGetUnknownInternalOrNonFiniteAnswersAndLeakNothing() throws Exception {
        long heapBefore = usedHeapAfterGc();
        LogCapture log = LogCapture.start();
        Map<String, Map<Status.Code, Integer>> seen = new TreeMap<>();
        Map<Status.Code, Integer> totals = new EnumMap<>(Status.Code.class);
        try {
            for (int i = 0; i < CASES; i++) {
                Rpc rpc = rpcs.get(random.nextInt(rpcs.size()));
                String where = "seed " + SEED + ", case " + i + ", " + rpc.method();
                Status status = run(rpc, where);
                seen.computeIfAbsent(rpc.method(), m -> new EnumMap<>(Status.Code.class))
                        .merge(status.getCode(), 1, Integer::sum);
                undrainIfDrained();
                totals.merge(status.getCode(), 1, Integer::sum);
                if ((i + 1) % Math.max(1, CASES / 10) == 0) {
                    System.out.printf("[fuzz] seed %d: %d of %d cases, status codes %s%n", SEED, i + 1, CASES,
                            totals);
                }
            }
            seen.forEach((method, codes) -> System.out.printf("[fuzz] %-62s %s%n", method, codes));
            Awaitility.await("every stream slot released").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> registry.activeStreams() == 0 && registry.callsAwaitingOpen() == 0);
            assertEquals(List.of(), log.loud().stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
                    + " " + r.getThrown()).limit(5).toList(), "nothing logged at WARNING or with a stack trace");
        } finally {
            log.stop();
        }
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < HEAP_GROWTH_ALLOWED, "the heap grew by " + (growth >> 20) + " MiB over " + CASES
                + " cases");
    }

    private Status run(Rpc rpc, String where) throws Exception {
        boolean watch = rpc.type() == MethodType.SERVER_STREAMING;
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(watch ? 300 : 30_000, TimeUnit.MILLISECONDS);
        RawCall call = RawCall.of(rpc.onAdminPort() ? admin : scoring, rpc.method(), rpc.type(), options);
        List<byte[]> sent = new ArrayList<>();
        boolean stream = rpc.type() == MethodType.BIDI_STREAMING;
        for (byte[] valid : rpc.requests().apply(random)) {
            // In a stream, most messages stay valid, so that the mutated ones reach deeper states of the call.
            byte[] message = !stream || random.nextInt(3) == 0 ? mutator.mutate(valid) : valid;
            sent.add(message);
            call.send(message);
        }
        call.halfClose();
        Status status = call.await();
        String what = where + " ended " + status + " after " + describe(sent);
        if (status.getCode() == Status.Code.UNKNOWN || status.getCode() == Status.Code.INTERNAL
                || (status.getCode() == Status.Code.DEADLINE_EXCEEDED && !watch)) {
            fail(what);
        }
        for (byte[] response : call.responses()) {
            try {
                rpc.answers().check(response);
            } catch (AssertionError | InvalidProtocolBufferException e) {
                fail(what + ": " + e.getMessage());
            }
        }
        return status;
    }

    private void undrainIfDrained() {
        if (registry.draining()) {
            AdminGrpc.newBlockingStub(admin).undrain(UndrainRequest.getDefaultInstance());
        }
    }

    private static Rpc unary(String method, Function<Random, byte[]> request, Checker answers) {
        return new Rpc(method, MethodType.UNARY, false, r -> List.of(request.apply(r)), answers);
    }

    private static Rpc admin(String method) {
        return new Rpc(method, MethodType.UNARY, true, r -> List.of(new byte[0]), ANY);
    }

    private static Rpc reflection(String method) {
        // v1 and v1alpha requests have the same fields and numbers
        return new Rpc(method, MethodType.BIDI_STREAMING, false, r -> List.of(
                ServerReflectionRequest.newBuilder().setListServices("").build().toByteArray(),
                ServerReflectionRequest.newBuilder().setFileContainingSymbol("refinevad.v1.Scoring").build()
                        .toByteArray(),
                ServerReflectionRequest.newBuilder().setFileByFilename("refinevad/v1/scoring.proto").build()
                        .toByteArray()), ANY);
    }

    private static Features features(int first, int rows) {
        return Features.newBuilder().setSegments(rows).setFeatureDim(DIM)
                .setData(Float32Bytes.pack(CLIP, first * DIM, rows * DIM)).build();
    }

    private static ScoreRequest scoreRequest(Random random) {
        return ScoreRequest.newBuilder().setFeatures(features(0, 1 + random.nextInt(40))).build();
    }

    private static List<byte[]> streamRequests(Random random) {
        List<byte[]> messages = new ArrayList<>();
        messages.add(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder()
                .setStreamId("fuzz-" + random.nextInt(1_000_000))).build().toByteArray());
        int count = random.nextInt(24);
        for (int first = 0; first < count; ) {
            int rows = Math.min(count - first, 1 + random.nextInt(6));
            messages.add(StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(first)
                    .setFeatures(features(first % (CLIP_SEGMENTS - 6), rows))).build().toByteArray());
            first += rows;
        }
        return messages;
    }

    private static ModelInferRequest inferRequest(Random random) {
        int time = 1 + random.nextInt(40);
        return ModelInferRequest.newBuilder().setModelName("refinevad")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addShape(1).addShape(time).addShape(DIM))
                .addRawInputContents(Float32Bytes.pack(CLIP, 0, time * DIM)).build();
    }

    private static void finiteScores(byte[] bytes) throws InvalidProtocolBufferException {
        ScoreResponse response = ScoreResponse.parseFrom(bytes);
        response.getScoresList().forEach(FuzzTest::assertFinite);
        response.getCategoriesList().forEach(c -> assertFinite(c.getProbability()));
    }

    private static void finiteStreamScores(byte[] bytes) throws InvalidProtocolBufferException {
        StreamResponse response = StreamResponse.parseFrom(bytes);
        if (response.hasScore()) {
            assertFinite(response.getScore().getScore());
            response.getScore().getCategoryEvidenceList().forEach(FuzzTest::assertFinite);
        }
    }

    private static void finiteInferOutputs(byte[] bytes) throws InvalidProtocolBufferException {
        ModelInferResponse response = ModelInferResponse.parseFrom(bytes);
        response.getRawOutputContentsList().forEach(raw -> {
            for (float value : Float32Bytes.unpack(raw)) {
                assertFinite(value);
            }
        });
        response.getOutputsList().forEach(o -> o.getContents().getFp32ContentsList().forEach(FuzzTest::assertFinite));
    }

    private static void assertFinite(float value) {
        assertTrue(Float.isFinite(value), "a non-finite value in an OK answer: " + value);
    }

    private static String describe(List<byte[]> sent) {
        List<String> shown = sent.stream().map(b -> b.length + " bytes " + HexFormat.of().formatHex(b, 0,
                Math.min(b.length, 48)) + (b.length > 48 ? "..." : "")).toList();
        return shown.toString();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
