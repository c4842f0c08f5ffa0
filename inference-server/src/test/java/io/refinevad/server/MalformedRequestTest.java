package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.testsupport.MalformedProtobuf;
import io.refinevad.testsupport.RawCall;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Bytes that are not protobuf, on every RPC of the two scoring services and of the admin plane: INVALID_ARGUMENT
 * "malformed request: ...",
 * never UNKNOWN, and nothing logged loudly or with a stack trace. A stream answers what it had accepted, then ends
 * and frees its slot.
 */
@QuarkusTest
class MalformedRequestTest {
    private static final int DIM = 512;
    private static final List<String> UNARY_METHODS = List.of("refinevad.v1.Scoring/Score",
            "refinevad.v1.Scoring/GetModelInfo", "refinevad.v1.Scoring/GetLoadReport", "refinevad.v1.Scoring/Drain",
            "inference.GRPCInferenceService/ServerLive", "inference.GRPCInferenceService/ServerReady",
            "inference.GRPCInferenceService/ModelReady", "inference.GRPCInferenceService/ServerMetadata",
            "inference.GRPCInferenceService/ModelMetadata", "inference.GRPCInferenceService/ModelInfer");
    private static final List<String> ADMIN_METHODS = List.of("refinevad.v1.Admin/GetLoadReport",
            "refinevad.v1.Admin/Drain", "refinevad.v1.Admin/Undrain");
    private static final Map<String, byte[]> MALFORMED = malformed();

    @GrpcClient("scoring")
    Channel channel;

    @GrpcClient("admin")
    Channel admin;

    @Test
    void everyUnaryRpcAnswersMalformedBytesWithInvalidArgument() throws Exception {
        LogCapture log = LogCapture.start();
        try {
            for (String method : UNARY_METHODS) {
                assertEveryMalformedMessageRefused(channel, method);
            }
            for (String method : ADMIN_METHODS) {
                assertEveryMalformedMessageRefused(admin, method);
            }
        } finally {
            log.stop();
        }
        assertQuiet(log, (UNARY_METHODS.size() + ADMIN_METHODS.size()) * MALFORMED.size());
    }

    @Test
    void aMalformedMessageEndsItsStreamAfterTheAcceptedSegmentsAndFreesTheSlot() throws Exception {
        float[] clip = GoldenVectors.read("stream_x").values();
        LogCapture log = LogCapture.start();
        try {
            for (Map.Entry<String, byte[]> bytes : MALFORMED.entrySet()) {
                RawCall stream = RawCall.stream(channel, CallOptions.DEFAULT)
                        .send(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId("malformed"))
                                .build().toByteArray())
                        .send(StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(0)
                                .setFeatures(Features.newBuilder().setSegments(5).setFeatureDim(DIM)
                                        .setData(Float32Bytes.pack(clip, 0, 5 * DIM)))).build().toByteArray())
                        .send(bytes.getValue());  // no half-close: the malformed message alone ends the call
                assertMalformed("StreamScores with " + bytes.getKey(), stream.await());
                long scores = stream.responses().stream().filter(r -> parse(r).hasScore()).count();
                assertEquals(5, scores, "the accepted segments are answered first");
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> AdminGrpc.newBlockingStub(admin)
                        .getLoadReport(GetLoadReportRequest.getDefaultInstance()).getActiveStreams() == 0);
            }
        } finally {
            log.stop();
        }
        assertQuiet(log, MALFORMED.size());
    }

    private static void assertEveryMalformedMessageRefused(Channel channel, String method) throws Exception {
        for (Map.Entry<String, byte[]> bytes : MALFORMED.entrySet()) {
            Status status = RawCall.unary(channel, method).send(bytes.getValue()).halfClose().await();
            assertMalformed(method + " with " + bytes.getKey(), status);
        }
    }

    private static void assertMalformed(String what, Status status) {
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), what + ": " + status);
        assertTrue(status.getDescription().startsWith("malformed request: "), what + ": " + status);
    }

    private static void assertQuiet(LogCapture log, int calls) {
        List<LogRecord> loud = log.loud();
        assertTrue(loud.isEmpty(), () -> "logged for malformed requests: " + LogCapture.describe(loud));
        long lines = log.mentioning("malformed").size();
        assertTrue(lines <= calls, lines + " log lines for " + calls + " malformed requests");
    }

    /** `depth` unknown groups (field 1000), each inside the previous one, all properly closed. */
    /** Each kind of malformed bytes, and groups nested past protobuf's recursion limit (100). */
    private static Map<String, byte[]> malformed() {
        Map<String, byte[]> malformed = MalformedProtobuf.byProblem();
        malformed.put("groups nested 200 deep", nestedGroups(200));
        return malformed;
    }

    private static byte[] nestedGroups(int depth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            varint(out, (1000 << 3) | 3);
        }
        for (int i = 0; i < depth; i++) {
            varint(out, (1000 << 3) | 4);
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static StreamResponse parse(byte[] bytes) {
        try {
            return StreamResponse.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
