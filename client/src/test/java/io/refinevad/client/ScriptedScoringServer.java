package io.refinevad.client;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.SegmentScore;
import io.refinevad.api.v1.StreamDraining;
import io.refinevad.api.v1.StreamOpened;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Scoring server on a real port that plays the protocol's hand-back exactly as scripted, to put the client in
 * states a real server reaches only by racing a drain: it answers each segment with its sequence number as the
 * score, and after `acceptBeforeDrain` segments of a call (0: right at the open) it hands the stream back.
 * It records every OpenStream it gets, and describes a model with no alarm settings.
 */
final class ScriptedScoringServer implements AutoCloseable {
    static final int WINDOW = 4;
    /** The model version GetModelInfo reports, with no alarm settings (the client then uses its default). */
    static final String VERSION = "scripted-1";
    static final int NEVER = Integer.MAX_VALUE;

    final List<OpenStream> opens = new CopyOnWriteArrayList<>();
    private final Server server;

    ScriptedScoringServer(int acceptBeforeDrain) throws IOException {
        server = NettyServerBuilder.forPort(0).addService(new ScoringGrpc.ScoringImplBase() {
            @Override
            public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
                responses.onNext(ModelInfo.newBuilder().setVersion(VERSION).setWindow(WINDOW).setFeatureDim(2)
                        .build());
                responses.onCompleted();
            }

            @Override
            public StreamObserver<StreamRequest> streamScores(StreamObserver<StreamResponse> responses) {
                return new ScriptedCall(responses, acceptBeforeDrain);
            }
        }).build().start();
    }

    String target() {
        return "localhost:" + server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private final class ScriptedCall implements StreamObserver<StreamRequest> {
        private final StreamObserver<StreamResponse> responses;
        private final int acceptBeforeDrain;
        private long next;
        private int accepted;
        private boolean over;

        ScriptedCall(StreamObserver<StreamResponse> responses, int acceptBeforeDrain) {
            this.responses = responses;
            this.acceptBeforeDrain = acceptBeforeDrain;
        }

        @Override
        public synchronized void onNext(StreamRequest request) {
            if (over) {
                return;
            }
            if (request.hasOpen()) {
                opens.add(request.getOpen());
                next = request.getOpen().getFirstSequence();
                responses.onNext(StreamResponse.newBuilder().setOpened(StreamOpened.newBuilder()
                        .setStreamId(request.getOpen().getStreamId()).setWindow(WINDOW).setFeatureDim(2)
                        .setResumeToken("token-" + opens.size())).build());
                drainIfScripted();
                return;
            }
            for (int row = 0; row < request.getSegments().getFeatures().getSegments() && !over; row++) {
                responses.onNext(StreamResponse.newBuilder().setScore(SegmentScore.newBuilder()
                        .setSequence(next).setScore(next)).build());
                next++;
                accepted++;
                drainIfScripted();
            }
        }

        private void drainIfScripted() {
            if (accepted == acceptBeforeDrain) {
                over = true;
                responses.onNext(StreamResponse.newBuilder().setDraining(StreamDraining.newBuilder()
                        .setLastAcceptedSequence(next - 1).setNoneAccepted(accepted == 0)).build());
                responses.onCompleted();
            }
        }

        @Override
        public synchronized void onError(Throwable error) {
            over = true;
        }

        @Override
        public synchronized void onCompleted() {
            if (!over) {
                over = true;
                responses.onCompleted();
            }
        }
    }
}
