package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.testsupport.MalformedProtobuf;
import io.refinevad.testsupport.RawCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every way a StreamScores call can end releases its slot and its id: random mixes of completed, cancelled,
 * deadline-expired, transport-reset, malformed, never-opened and never-reading calls, over real channels, after
 * which the load report shows no active stream, every id opens again at once, and a drain completes. The seed is
 * fixed (-Drefinevad.lifecycle.seed=N tries another) and every failure names it.
 */
@QuarkusTest
@TestProfile(StreamLifecycleTest.SmallQuickServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamLifecycleTest {
    private static final long SEED = Long.getLong("refinevad.lifecycle.seed", 20261130L);
    private static final int ROUNDS = 20;
    private static final int CAPACITY = 8;
    private static final int DIM = 512;
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /**
     * A short idle timeout, so that never-opened and never-reading calls are reaped within a round; not shorter than
     * 3 s, since the drain case needs its calls to stay open until the drain reaches them, also on a loaded machine.
     */
    public static class SmallQuickServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.streams.capacity", String.valueOf(CAPACITY),
                    "refinevad.streams.idle-timeout", "3s");
        }
    }

    enum Ending { COMPLETE, CANCEL, CANCEL_AFTER_HALF_CLOSE, DEADLINE, TRANSPORT_RESET, MALFORMED, NEVER_OPEN, STALLED }

    private final Random random = new Random(SEED);
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final ManagedChannel shared = channel(NettyChannelBuilder.forAddress("localhost", port()).usePlaintext());
    private final ManagedChannel admin = channel(NettyChannelBuilder.forAddress("localhost",
            port("refinevad.admin.port")).usePlaintext());

    @AfterEach
    void closeChannels() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void everyEndingReleasesTheSlotAndTheId() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<String> ids = ids(1 + random.nextInt(CAPACITY));
            List<Ended> calls = new ArrayList<>();
            for (String id : ids) {
                calls.add(end(id, Ending.values()[random.nextInt(Ending.values().length)]));
            }
            String where = "seed " + SEED + ", round " + round + ": " + calls;
            for (Ended call : calls) {
                if (call.ending() != Ending.STALLED) {  // a client that never reads may never see its call end
                    waitFor(where).until(call.call().ended()::isDone);
                }
            }
            waitFor(where).until(() -> load().getActiveStreams() == 0 && load().getCallsAwaitingOpen() == 0);
            calls.forEach(call -> call.call().cancel());
            for (Ended call : calls) {
                if (call.ending() == Ending.COMPLETE) {
                    assertEquals(Status.Code.OK, call.call().await().getCode(), where);
                    assertEquals(call.segments(), scores(call.call()), where + ": every segment answered");
                }
            }
            for (String id : ids) {
                RawCall again = RawCall.stream(shared, CallOptions.DEFAULT).send(open(id)).send(segments(0, 1))
                        .halfClose();
                assertEquals(Status.Code.OK, again.await().getCode(), where + ": '" + id + "' reopens at once");
            }
        }
    }

    @Test
    @Order(2)
    void aDrainCompletesWhateverTheOpenCallsAreDoing() throws Exception {
        RawCall stalled = stalled("stalled", 40);
        waitFor("the stalled stream opened").until(() -> !stalled.responses().isEmpty());
        // The other two start last, so that the drain reaches them well within the idle timeout.
        RawCall neverOpened = RawCall.stream(shared, CallOptions.DEFAULT);
        RawCall streaming = RawCall.stream(shared, CallOptions.DEFAULT).send(open("streaming"))
                .send(segments(0, 20));
        waitFor("the streaming stream opened").until(() -> !streaming.responses().isEmpty());
        AdminGrpc.newBlockingStub(admin).drain(DrainRequest.getDefaultInstance());
        waitFor("the drain").until(() -> load().getActiveStreams() == 0 && load().getCallsAwaitingOpen() == 0);
        assertEquals(Status.Code.OK, streaming.await().getCode());
        assertTrue(streaming.responses().stream().map(StreamLifecycleTest::parse)
                .anyMatch(StreamResponse::hasDraining));
        assertEquals(20, scores(streaming));
        assertEquals(Status.Code.UNAVAILABLE, neverOpened.await().getCode());
        stalled.cancel();
    }

    private record Ended(RawCall call, Ending ending, int segments) {
        @Override
        public String toString() {
            return ending + "(" + segments + ")";
        }
    }

    /** Opens a call as `id`, sends a random number of segments, and ends it the given way. */
    private Ended end(String id, Ending ending) throws InterruptedException {
        int count = ending == Ending.STALLED ? 30 + random.nextInt(20) : random.nextInt(41);
        if (ending == Ending.STALLED) {
            return new Ended(stalled(id, count), ending, count);
        }
        ManagedChannel channel = ending == Ending.TRANSPORT_RESET
                ? channel(NettyChannelBuilder.forAddress("localhost", port()).usePlaintext()) : shared;
        CallOptions options = ending == Ending.DEADLINE
                ? CallOptions.DEFAULT.withDeadlineAfter(20 + random.nextInt(300), TimeUnit.MILLISECONDS)
                : CallOptions.DEFAULT;
        RawCall call = RawCall.stream(channel, options);
        if (ending == Ending.NEVER_OPEN) {
            return new Ended(call, ending, 0);
        }
        call.send(open(id));
        sendInChunks(call, count);
        switch (ending) {
            case COMPLETE -> call.halfClose();
            case CANCEL -> call.cancel();
            case CANCEL_AFTER_HALF_CLOSE -> call.halfClose().cancel();
            case MALFORMED -> call.send(MalformedProtobuf.any(random));
            case TRANSPORT_RESET -> channel.shutdownNow();
            case DEADLINE -> {
                if (random.nextBoolean()) {
                    call.halfClose();
                }
            }
            default -> throw new IllegalStateException(ending.name());
        }
        return new Ended(call, ending, count);
    }

    private void sendInChunks(RawCall call, int count) {
        for (int first = 0; first < count; ) {
            int rows = Math.min(count - first, 1 + random.nextInt(8));
            call.send(segments(first, rows));
            first += rows;
        }
    }

    /** A call that sends `count` segments and half-closes but reads no answer, on a connection with a tiny window. */
    private RawCall stalled(String id, int count) {
        ManagedChannel tight = channel(NettyChannelBuilder.forAddress("localhost", port()).usePlaintext()
                .flowControlWindow(1024));
        RawCall call = RawCall.streamReadingOnlyTheFirst(tight).send(open(id));
        sendInChunks(call, count);
        return call.halfClose();
    }

    private List<String> ids(int count) {
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 2 * CAPACITY; i++) {
            pool.add("camera-" + i);
        }
        Collections.shuffle(pool, random);
        return pool.subList(0, count);
    }

    private static byte[] open(String id) {
        return StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(id)).build().toByteArray();
    }

    private static byte[] segments(int first, int rows) {
        return StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(first)
                .setFeatures(Features.newBuilder().setSegments(rows).setFeatureDim(DIM)
                        .setData(Float32Bytes.pack(CLIP, first * DIM, rows * DIM)))).build().toByteArray();
    }

    private static long scores(RawCall call) {
        return call.responses().stream().map(StreamLifecycleTest::parse).filter(StreamResponse::hasScore).count();
    }

    private static StreamResponse parse(byte[] bytes) {
        try {
            return StreamResponse.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private LoadReport load() {
        return AdminGrpc.newBlockingStub(admin).getLoadReport(GetLoadReportRequest.getDefaultInstance());
    }

    private static ConditionFactory waitFor(String what) {
        return Awaitility.await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(50));
    }

    private ManagedChannel channel(NettyChannelBuilder builder) {
        ManagedChannel channel = builder.build();
        channels.add(channel);
        return channel;
    }

    private static int port() {
        return port("quarkus.grpc.server.test-port");
    }

    private static int port(String property) {
        return ConfigProvider.getConfig().getValue(property, Integer.class);
    }
}
