package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.testsupport.MalformedProtobuf;
import io.refinevad.testsupport.PrometheusText;
import io.refinevad.testsupport.RawCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway (in this JVM, on its gRPC test port) in front of three packaged scoring servers (processes), over real
 * gRPC channels. The pod killed by the last test stays dead: it runs last.
 */
@QuarkusTest
@WithTestResource(ThreeScoringPods.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayTest {
    private static final ManagedChannel GATEWAY = ManagedChannelBuilder.forAddress("localhost", 9011).usePlaintext()
            .build();
    private static final Duration STREAM_END = Duration.ofMinutes(1);
    /** Segments a second: the golden clip's 50 take 2.5 s, long enough to move a stream in the middle. */
    private static final double RATE = 20;
    /** Streams placed on one pod before the two others become placeable; they pause, open, after SURGE_PAUSE segments
     *  until the streams are spread, so that the moves happen mid-stream on any machine. */
    private static final int SURGE_STREAMS = 9;
    private static final int SURGE_PAUSE = 20;

    /** Read once the application (and so its configuration) is up. */
    private static List<TestPod> pods;

    @AfterAll
    static void closeChannels() {
        GATEWAY.shutdownNow();
        pods.forEach(TestPod::close);
    }

    @BeforeEach
    void everyPodIdleAndPlaceable() {
        if (pods == null) {
            pods = TestPod.all();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (TestPod pod : livePods()) {
                assertEquals(0, pod.loadReport().getActiveStreams(), "streams still open on " + pod);
            }
            String metrics = gatewayMetrics();
            assertEquals(livePods().size(), PrometheusText.value(metrics, "refinevad_gateway_ready_pods"));
            assertEquals(0, podStreamsSeenByGateway(metrics).stream().mapToDouble(Double::doubleValue).sum());
            assertEquals(0, PrometheusText.value(metrics, "refinevad_gateway_streams"));
            assertEquals(0, PrometheusText.value(metrics, "refinevad_gateway_kept_segments"), "segments kept");
        });
    }

    /**
     * Bytes that are not protobuf get from the gateway what they get from a pod (INVALID_ARGUMENT "malformed request:
     * ..."), and a stream that sends them ends after its accepted segments are answered, freeing its slot (the next
     * test's check that the gateway holds no stream fails otherwise).
     */
    @Test
    @Order(1)
    void malformedBytesAreRefusedAsAPodRefusesThemAndTheStreamFreesItsSlot() throws Exception {
        int dim = Golden.featureDim();
        byte[] open = StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId("malformed")).build()
                .toByteArray();
        byte[] segments = StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(0)
                .setFeatures(Features.newBuilder().setSegments(5).setFeatureDim(dim)
                        .setData(Float32Bytes.pack(Golden.CLIP.values(), 0, 5 * dim)))).build().toByteArray();
        for (Map.Entry<String, byte[]> bytes : MalformedProtobuf.byProblem().entrySet()) {
            for (String method : List.of("refinevad.v1.Scoring/Score", "refinevad.v1.Scoring/GetModelInfo",
                    "inference.GRPCInferenceService/ModelInfer")) {
                Status atGateway = RawCall.unary(GATEWAY, method).send(bytes.getValue()).halfClose().await();
                Status atPod = RawCall.unary(pods.get(0).channel(), method).send(bytes.getValue()).halfClose()
                        .await();
                assertEquals(Status.Code.INVALID_ARGUMENT, atGateway.getCode(), method + ", " + bytes.getKey());
                assertEquals(atPod.getDescription(), atGateway.getDescription(), method + ", " + bytes.getKey());
            }
            RawCall stream = RawCall.stream(GATEWAY, CallOptions.DEFAULT).send(open).send(segments)
                    .send(bytes.getValue());  // no half-close: the malformed message alone ends the call
            Status ended = stream.await();
            assertEquals(Status.Code.INVALID_ARGUMENT, ended.getCode(), bytes.getKey() + ": " + ended);
            assertTrue(ended.getDescription().startsWith("malformed request: "), bytes.getKey() + ": " + ended);
            assertEquals(5, stream.responses().stream().filter(answer -> parse(answer).hasScore()).count(),
                    "the accepted segments are answered first");
        }
    }

    @Test
    @Order(1)
    void whatAPodRefusesTheCameraGetsUnchanged() throws Exception {
        Channel pod = pods.get(0).channel();
        int dim = Golden.featureDim();
        StreamRequest open = StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId("bad-input"))
                .build();
        StreamRequest wrongDim = StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFeatures(
                Features.newBuilder().setSegments(1).setFeatureDim(dim - 1)
                        .setData(ByteString.copyFrom(new byte[(dim - 1) * 4])))).build();
        StreamRequest gap = StreamRequest.newBuilder().setSegments(Camera.segment(3)).build();
        StreamRequest noId = StreamRequest.newBuilder().setOpen(OpenStream.getDefaultInstance()).build();
        StreamRequest segmentsFirst = StreamRequest.newBuilder().setSegments(Camera.segment(0)).build();
        for (List<StreamRequest> call : List.of(List.of(open, wrongDim), List.of(open, gap), List.of(noId),
                List.of(segmentsFirst))) {
            Status direct = streamEnd(pod, call);
            Status through = streamEnd(GATEWAY, call);
            assertNotEquals(Status.Code.OK, direct.getCode(), call.toString());
            assertEquals(direct.getCode(), through.getCode(), call.toString());
            assertEquals(direct.getDescription(), through.getDescription(), call.toString());
        }

        ScoreRequest halfARow = ScoreRequest.newBuilder().setFeatures(Features.newBuilder().setSegments(1)
                .setFeatureDim(dim).setData(ByteString.copyFrom(new byte[dim * 2]))).build();
        StatusRuntimeException direct = assertThrows(StatusRuntimeException.class,
                () -> ScoringGrpc.newBlockingStub(pod).score(halfARow));
        StatusRuntimeException through = assertThrows(StatusRuntimeException.class,
                () -> ScoringGrpc.newBlockingStub(GATEWAY).score(halfARow));
        assertEquals(direct.getStatus().getCode(), through.getStatus().getCode());
        assertEquals(direct.getStatus().getDescription(), through.getStatus().getDescription());

        StatusRuntimeException admin = assertThrows(StatusRuntimeException.class,
                () -> ScoringGrpc.newBlockingStub(GATEWAY).drain(DrainRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, admin.getStatus().getCode());
        assertEquals(ScoringGrpc.newBlockingStub(pod).getModelInfo(GetModelInfoRequest.getDefaultInstance()),
                ScoringGrpc.newBlockingStub(GATEWAY).getModelInfo(GetModelInfoRequest.getDefaultInstance()));
    }

    @Test
    @Order(2)
    void modelInferAnswersAsAPod() {
        ModelInferRequest firstSevenSegments = infer("x", 7);
        for (int request = 0; request < 3; request++) {  // each to the next pod in turn: every one answers the same
            assertEquals(inference(pods.get(0).channel()).modelInfer(firstSevenSegments),
                    inference(GATEWAY).modelInfer(firstSevenSegments));
        }
        assertTrue(inference(GATEWAY).serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    }

    @Test
    @Order(3)
    void aRefusedInferenceIsRefusedTheSameWay() {
        ModelInferRequest unknownInput = infer("y", 2);
        StatusRuntimeException direct = assertThrows(StatusRuntimeException.class,
                () -> inference(pods.get(0).channel()).modelInfer(unknownInput));
        StatusRuntimeException through = assertThrows(StatusRuntimeException.class,
                () -> inference(GATEWAY).modelInfer(unknownInput));
        assertEquals(direct.getStatus().getCode(), through.getStatus().getCode());
        assertEquals(direct.getStatus().getDescription(), through.getStatus().getDescription());
    }

    @Test
    @Order(3)
    void aModelThePodsDoNotServeIsNotFoundAtTheGatewayNamingTheServedOne() throws Exception {
        ModelInfo served = ScoringGrpc.newBlockingStub(pods.get(0).channel())
                .getModelInfo(GetModelInfoRequest.getDefaultInstance());
        String servedModels = "its scoring pods serve '" + served.getName() + "' version '" + served.getVersion()
                + "' (leave the model empty for the served one)";

        Status stream = streamEnd(GATEWAY, List.of(StreamRequest.newBuilder()
                .setOpen(OpenStream.newBuilder().setStreamId("other-model").setModel("other")).build()));
        assertEquals(Status.Code.NOT_FOUND, stream.getCode());
        assertEquals("model 'other' is not served by detector lobby; " + servedModels, stream.getDescription());

        StatusRuntimeException score = assertThrows(StatusRuntimeException.class, () -> ScoringGrpc
                .newBlockingStub(GATEWAY).score(ScoreRequest.newBuilder().setModel("other").build()));
        assertEquals(Status.Code.NOT_FOUND, score.getStatus().getCode());
        assertEquals("model 'other' is not served by detector lobby; " + servedModels,
                score.getStatus().getDescription());

        StatusRuntimeException wrongVersion = assertThrows(StatusRuntimeException.class, () -> inference(GATEWAY)
                .modelInfer(infer("x", 1).toBuilder().setModelVersion("no-such-version").build()));
        assertEquals(Status.Code.NOT_FOUND, wrongVersion.getStatus().getCode());
        assertEquals("model 'refinevad' version 'no-such-version' is not served by detector lobby; " + servedModels,
                wrongVersion.getStatus().getDescription());

        // naming the served model is as good as naming none
        assertEquals(Status.Code.OK, streamEnd(GATEWAY, List.of(StreamRequest.newBuilder().setOpen(OpenStream
                .newBuilder().setStreamId("served-model").setModel(served.getName())).build())).getCode());
    }

    @Test
    @Order(4)
    void newStreamsSpreadEvenlyOverThePodsUpToTheGatewaysLimit() throws Exception {
        List<StreamObserver<StreamRequest>> open = new ArrayList<>();
        try {
            for (int stream = 0; stream < 15; stream++) {
                open.add(openStream("spread-" + stream));
            }
            for (TestPod pod : pods) {
                int streams = pod.loadReport().getActiveStreams();
                assertTrue(streams >= 4 && streams <= 6, pod + " has " + streams + " of 15 streams");
            }

            open.add(openStream("spread-15"));  // the 16th: the limit
            Camera refused = new Camera();
            ScoringGrpc.newStub(GATEWAY).streamScores(refused).onNext(StreamRequest.newBuilder()
                    .setOpen(OpenStream.newBuilder().setStreamId("spread-16")).build());
            Status status = refused.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
            assertEquals("this gateway holds at most " + ThreeScoringPods.STREAM_LIMIT + " streams "
                    + "(refinevad.gateway.streams.limit) and all are open; open the stream on another gateway replica "
                    + "or later", status.getDescription());
        } finally {
            open.forEach(requests -> requests.onError(Status.CANCELLED.asException()));
        }
    }

    @Test
    @Order(5)
    void aStreamWhosePodDrainsGoesOnOnAnotherPodUnbroken() throws Exception {
        Camera camera = Camera.stream(GATEWAY, "drained", RATE);
        await().atMost(STREAM_END).until(() -> camera.scored() >= 10);
        TestPod pod = podWithTheStream();
        try {
            AdminGrpc.newBlockingStub(pod.adminChannel()).drain(DrainRequest.getDefaultInstance());
            assertEquals(Status.Code.OK, camera.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS).getCode());
            camera.assertEveryAnswerOnceInOrderAsTheReference();
            assertTrue(PrometheusText.value(gatewayMetrics(), "refinevad_gateway_stream_moves_total{reason=\"drain\"}")
                    >= 1, "no stream moved on a drain");
        } finally {
            AdminGrpc.newBlockingStub(pod.adminChannel()).undrain(UndrainRequest.getDefaultInstance());
        }
    }

    @Test
    @Order(6)
    void everyStreamOfADrainedPodGoesOnWhileTheOthersRunOn() throws Exception {
        List<Camera> cameras = new ArrayList<>();
        for (int camera = 0; camera < 6; camera++) {
            cameras.add(Camera.stream(GATEWAY, "crowd-" + camera, RATE));
        }
        await().atMost(STREAM_END).until(() -> cameras.stream().allMatch(camera -> camera.scored() >= 10));
        TestPod drained = pods.get(0);
        int handedBack = drained.loadReport().getActiveStreams();
        try {
            AdminGrpc.newBlockingStub(drained.adminChannel()).drain(DrainRequest.getDefaultInstance());
            for (Camera camera : cameras) {
                assertEquals(Status.Code.OK, camera.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS).getCode());
                camera.assertEveryAnswerOnceInOrderAsTheReference();
            }
            assertTrue(handedBack >= 1, "the drained pod had no stream to hand back");
        } finally {
            AdminGrpc.newBlockingStub(drained.adminChannel()).undrain(UndrainRequest.getDefaultInstance());
        }
    }

    @Test
    @Order(7)
    void streamsPlacedOnOnePodSpreadToWithinOneOfEvenWhenTheOthersBecomePlaceable() throws Exception {
        List<TestPod> others = pods.subList(1, 3);
        double movesBefore = rebalancingMoves();
        List<Camera> cameras = new ArrayList<>();
        try {
            others.forEach(pod -> AdminGrpc.newBlockingStub(pod.adminChannel())
                    .drain(DrainRequest.getDefaultInstance()));
            await().atMost(STREAM_END).untilAsserted(() -> assertEquals(1,
                    PrometheusText.value(gatewayMetrics(), "refinevad_gateway_ready_pods")));
            for (int camera = 0; camera < SURGE_STREAMS; camera++) {
                cameras.add(Camera.pausing(GATEWAY, "surge-" + camera, RATE, SURGE_PAUSE));
            }
            await().atMost(STREAM_END).until(() -> cameras.stream().allMatch(camera -> camera.scored() == SURGE_PAUSE));
            assertEquals(SURGE_STREAMS, pods.get(0).loadReport().getActiveStreams(), "streams on the only pod");
        } finally {
            others.forEach(pod -> AdminGrpc.newBlockingStub(pod.adminChannel())
                    .undrain(UndrainRequest.getDefaultInstance()));
        }

        // 9 streams over 3 pods: 3 each is even; every pod within one of it, and no stream lost on the way.
        await().atMost(STREAM_END).untilAsserted(() -> {
            List<Integer> streams = pods.stream().map(pod -> pod.loadReport().getActiveStreams()).toList();
            assertEquals(SURGE_STREAMS, streams.stream().mapToInt(Integer::intValue).sum(), "streams " + streams);
            streams.forEach(count -> assertTrue(Math.abs(count - SURGE_STREAMS / 3) <= 1, "streams " + streams));
        });
        cameras.forEach(camera -> camera.resumed.complete(null));
        for (Camera camera : cameras) {
            assertEquals(Status.Code.OK, camera.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS).getCode());
            camera.assertEveryAnswerOnceInOrderAsTheReference();
        }
        // from 9/0/0 the fewest moves to within one of 3/3/3 are 5 (to 4/3/2 or 4/2/3)
        assertTrue(rebalancingMoves() - movesBefore >= 5, "rebalancing moves " + (rebalancingMoves() - movesBefore));
    }

    @Test
    @Order(8)
    void aStreamWhosePodIsKilledGoesOnOnAnotherPodUnbroken() throws Exception {
        Camera camera = Camera.stream(GATEWAY, "killed", RATE);
        await().atMost(STREAM_END).until(() -> camera.scored() >= 10);
        TestPod pod = podWithTheStream();
        pod.process().destroyForcibly();
        pod.process().onExit().get(STREAM_END.toSeconds(), TimeUnit.SECONDS);

        assertEquals(Status.Code.OK, camera.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS).getCode());
        camera.assertEveryAnswerOnceInOrderAsTheReference();
        assertTrue(PrometheusText.value(gatewayMetrics(), "refinevad_gateway_stream_moves_total{reason=\"failure\"}")
                >= 1, "no stream moved on a failure");
    }

    private static StreamResponse parse(byte[] bytes) {
        try {
            return StreamResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub inference(Channel channel) {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    /** One clip of the golden stream's first {@code segments} rows, as input {@code name}, raw FP32. */
    private static ModelInferRequest infer(String name, int segments) {
        ByteString rows = ByteString.EMPTY;
        for (int t = 0; t < segments; t++) {
            rows = rows.concat(Camera.segment(t).getFeatures().getData());
        }
        return ModelInferRequest.newBuilder().setModelName("refinevad")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype("FP32")
                        .addShape(1).addShape(segments).addShape(Golden.featureDim()))
                .addRawInputContents(rows).build();
    }

    private static TestPod podWithTheStream() {
        return TestPod.withTheStream(pods);
    }

    private static List<TestPod> livePods() {
        return TestPod.live(pods);
    }

    /** Opens a stream through the gateway and returns once it is open. */
    private static StreamObserver<StreamRequest> openStream(String id) throws Exception {
        CompletableFuture<StreamResponse> opened = new CompletableFuture<>();
        StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(GATEWAY).streamScores(new StreamObserver<>() {
            @Override
            public void onNext(StreamResponse response) {
                opened.complete(response);
            }

            @Override
            public void onError(Throwable failure) {
                opened.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(id)).build());
        assertTrue(opened.get(STREAM_END.toSeconds(), TimeUnit.SECONDS).hasOpened());
        return requests;
    }

    /** Sends the messages, closes its input and returns how the call ended. */
    private static Status streamEnd(Channel channel, List<StreamRequest> messages) throws Exception {
        Camera camera = new Camera();
        StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(channel).streamScores(camera);
        messages.forEach(requests::onNext);
        requests.onCompleted();
        return camera.ended.get(STREAM_END.toSeconds(), TimeUnit.SECONDS);
    }

    private static String gatewayMetrics() throws Exception {
        return TestPod.gatewayMetrics();
    }

    private static double rebalancingMoves() throws Exception {
        return PrometheusText.value(gatewayMetrics(), "refinevad_gateway_stream_moves_total{reason=\"rebalance\"}");
    }

    private static List<Double> podStreamsSeenByGateway(String metrics) {
        Matcher series = Pattern.compile("(?m)^refinevad_gateway_pod_streams\\{[^}]*} ([0-9.eE+-]+)$")
                .matcher(metrics);
        List<Double> values = new ArrayList<>();
        while (series.find()) {
            values.add(Double.parseDouble(series.group(1)));
        }
        return values;
    }
}
