package io.refinevad.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client of scoring servers: whole clips, live streams paced like cameras (which move to another server when one
 * drains), and the model's description.
 */
public final class ScoringClient implements AutoCloseable {
    private static final long KEEPALIVE_TIME_SECONDS = 10;
    private static final long KEEPALIVE_TIMEOUT_SECONDS = 5;
    private final List<ManagedChannel> channels;
    // One sender thread per camera: pacing sleeps and in-flight waits block, so a shared small pool would serialise.
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "refinevad-camera");
        thread.setDaemon(true);
        return thread;
    });

    public ScoringClient(String target) {
        this(List.of(target));
    }

    public ScoringClient(List<String> targets) {
        this(targets, ChannelSecurity.PLAINTEXT);
    }

    /**
     * Clips and model questions go to the first target; streams move on to the next when one drains. A detector's
     * endpoint (its gateway) is one target: the gateway moves streams between pods itself.
     */
    public ScoringClient(List<String> targets, ChannelSecurity security) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one target (HOST:PORT) is needed");
        }
        // Answers are handled on the transport's thread: the cameras only record them and never block, and a hop to
        // an executor per answer cost the load generator about a quarter of its CPU (docs/PERFORMANCE.md).
        // Keepalive notices a dead network path within seconds, so that a camera reconnects instead of waiting for
        // TCP; the servers allow a ping every 5 s (refinevad.keepalive.permit-time), and grpc-java pings no more
        // often than every 10 s.
        this.channels = targets.stream().map(target -> NettyChannelBuilder.forTarget(target, security.credentials())
                .directExecutor()
                .keepAliveTime(KEEPALIVE_TIME_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS).build()).toList();
    }

    public ModelInfo modelInfo() {
        return ScoringGrpc.newBlockingStub(channels.get(0)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getModelInfo(GetModelInfoRequest.getDefaultInstance());
    }

    public ScoreResponse score(float[] matrix, int segments, int dim) {
        return ScoringGrpc.newBlockingStub(channels.get(0)).score(ScoreRequest.newBuilder()
                .setFeatures(Features.rows(matrix, dim, 0, segments)).build());
    }

    /**
     * Streams a [segments, dim] matrix as a live camera: one segment every 1/segmentsPerSecond seconds, or, when
     * the rate is 0, as fast as answers allow (at most CameraStream.MAX_IN_FLIGHT unanswered); then waits for every
     * answer. If a server drains and hands the stream back, the stream continues on the next of this client's
     * targets, without losing or repeating an answer; with no target left it ends UNAVAILABLE.
     */
    public CompletableFuture<StreamResult> stream(String streamId, float[] matrix, int segments, int dim,
                                                  double segmentsPerSecond) {
        CameraStream camera = new CameraStream(streamId, matrix, segments, dim, segmentsPerSecond, channels);
        senders.execute(camera);
        return camera.result;
    }

    @Override
    public void close() throws InterruptedException {
        senders.shutdownNow();
        for (ManagedChannel channel : channels) {
            channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
