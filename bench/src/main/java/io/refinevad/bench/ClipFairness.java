package io.refinevad.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Live cameras beside clients that send long clips: CAMERAS streams at RATE segments per second for SECONDS, while
 * CLIP_CLIENTS clients each send Score requests of CLIP_LENGTH segments back to back (the next when the previous is
 * answered) until the cameras are done (or for SECONDS when there are no cameras). Prints one line: the cameras'
 * p50/p99 latency from send to answer, cameras whose stream failed, clips answered and refused (RESOURCE_EXHAUSTED),
 * and, given the server's process id on this machine, the server's resident memory at the start and its peak.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.ClipFairness \
 *       HOST:PORT CAMERAS RATE SECONDS CLIP_CLIENTS CLIP_LENGTH [SERVER_PID]
 */
public final class ClipFairness {
    private ClipFairness() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        int cameras = Integer.parseInt(args[1]);
        double rate = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int clipClients = Integer.parseInt(args[4]);
        int clipLength = Integer.parseInt(args[5]);
        long serverPid = args.length > 6 ? Long.parseLong(args[6]) : -1;
        try (ScoringClient client = new ScoringClient(target)) {
            ModelInfo info = client.modelInfo();
            int dim = info.getFeatureDim();
            Random random = new Random(7);
            int segments = (int) Math.max(1, Math.round(rate * seconds));
            float[] camera = gaussian(random, segments * dim);
            float[] clip = gaussian(random, clipLength * dim);

            LongSupplier rssMiB = serverPid < 0 ? () -> -1 : new ServerMemory(serverPid)::rssMiB;
            long rssStart = rssMiB.getAsLong();
            AtomicLong rssPeak = new AtomicLong(rssStart);
            AtomicBoolean done = new AtomicBoolean();
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    rssPeak.accumulateAndGet(rssMiB.getAsLong(), Math::max);
                    sleep(100);
                }
            });
            sampler.setDaemon(true);
            sampler.start();

            AtomicLong answered = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<Thread> clipSenders = new ArrayList<>();
            for (int c = 0; c < clipClients; c++) {
                Thread sender = new Thread(() -> {
                    while (!done.get()) {
                        try {
                            client.score(clip, clipLength, dim);
                            answered.incrementAndGet();
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                                refused.incrementAndGet();
                                sleep(10);  // as a polite client would, rather than spinning on refusals
                            } else {
                                failed.incrementAndGet();
                                System.err.println("[bench] clip failed: " + e.getStatus());
                            }
                        }
                    }
                }, "clip-client-" + c);
                sender.start();
                clipSenders.add(sender);
            }

            List<Long> latencies = new ArrayList<>();
            long lost = 0;
            if (cameras > 0) {
                List<CompletableFuture<StreamResult>> streams = new ArrayList<>();
                for (int s = 0; s < cameras; s++) {
                    streams.add(client.stream("camera-" + s + "-" + System.nanoTime(), camera, segments, dim, rate));
                }
                for (CompletableFuture<StreamResult> stream : streams) {
                    StreamResult result = stream.get();
                    for (long latency : result.latencyMicros()) {
                        if (latency > 0) {
                            latencies.add(latency);
                        }
                    }
                    lost += result.status().isOk() ? 0 : 1;
                }
            } else {
                sleep((long) (seconds * 1000));
            }
            done.set(true);
            for (Thread sender : clipSenders) {
                sender.join();
            }
            sampler.join();
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%d %.1f %.1f %d %d %d %d %d %d%n", clipClients, percentile(sorted, 0.5) / 1e3,
                    percentile(sorted, 0.99) / 1e3, lost, answered.get(), refused.get(), failed.get(), rssStart,
                    rssPeak.get());
        }
    }

    private static float[] gaussian(Random random, int values) {
        float[] out = new float[values];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
