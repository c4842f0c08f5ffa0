package io.refinevad.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.testsupport.MalformedProtobuf;
import io.refinevad.testsupport.RawCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A soak of a running server: N cameras for D minutes. Three in four are well-behaved: each streams one segment per
 * message at R segments per second for the whole run on one call, then half-closes; every segment must be answered
 * exactly once, in order. The others misbehave at random, again and again: they cancel mid-stream, drop their
 * connection, send malformed bytes, open and say nothing, reconnect without the resume token while their old call
 * is open (ALREADY_EXISTS expected), take their old call over with the token (the old call must end ABORTED, the new
 * one continue), or reopen their id right after their call ended (it must be free). Every 10 s a line: the server's
 * active streams against the streams the soak has open, calls awaiting open, the server's RSS. After the warm-up and
 * before the cameras stop, a full collection in the server (jcmd) for its live heap. At the end a table of checks,
 * each PASS or FAIL; the exit status is 1 if any failed.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.Soak \
 *       HOST:PORT ADMIN_HOST:PORT SERVER_PID CAMERAS MINUTES RATE SEED MEMORY_LIMIT_MIB
 */
public final class Soak {
    private static final int DIM = 512;
    private static final long SAMPLE_MILLIS = 10_000;
    /** How soon the server must free the id of a call whose client cancelled or dropped its connection. */
    private static final long ID_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(5);
    enum Misdeed { CANCEL, DROP_CONNECTION, MALFORMED, SILENT_THEN_CANCEL, REOPEN_WITHOUT_TOKEN, TAKE_OVER, REOPEN_AFTER_END }

    private final String target;
    private final ServerMemory memory;
    private final long memoryLimitMiB;
    private final double rate;
    private final float[] clip;
    private final int clipSegments;
    private final long endNanos;
    private final List<ManagedChannel> shared = new ArrayList<>();
    private final ManagedChannel admin;
    /** Streams the soak has open, as far as it knows: opened and not yet ended on its side. */
    private final AtomicInteger live = new AtomicInteger();
    private final LongAdder goodSent = new LongAdder();
    private final LongAdder goodAnswered = new LongAdder();
    private final LongAdder goodDuplicated = new LongAdder();
    private final LongAdder goodOutOfOrder = new LongAdder();
    private final List<String> goodFailures = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> misdeeds = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> endings = new ConcurrentHashMap<>();
    private final List<String> surprises = new CopyOnWriteArrayList<>();
    private final AtomicLong maxSlotsAboveLive = new AtomicLong();
    /** Opens right after a cancel or a drop that found the id still held by the ending call, and retried. */
    private final LongAdder idStillHeld = new LongAdder();

    private Soak(String target, String adminTarget, long serverPid, long memoryLimitMiB, double rate, long minutes,
            float[] clip) {
        this.target = target;
        this.memory = new ServerMemory(serverPid);
        this.memoryLimitMiB = memoryLimitMiB;
        this.rate = rate;
        this.clip = clip;
        this.clipSegments = clip.length / DIM;
        this.endNanos = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        for (int i = 0; i < 8; i++) {
            shared.add(channel(target));
        }
        this.admin = channel(adminTarget);
    }

    public static void main(String[] args) throws Exception {
        int cameras = Integer.parseInt(args[3]);
        long minutes = Long.parseLong(args[4]);
        Soak soak = new Soak(args[0], args[1], Long.parseLong(args[2]), Long.parseLong(args[7]),
                Double.parseDouble(args[5]), minutes, clip(Long.parseLong(args[6])));
        System.exit(soak.run(cameras, new Random(Long.parseLong(args[6]))) ? 0 : 1);
    }

    private boolean run(int cameras, Random seeds) throws Exception {
        long rssIdle = memory.rssMiB();
        int good = cameras - cameras / 4;
        System.out.printf("[soak] %d cameras (%d well-behaved at %.1f segments/s, %d misbehaving) for %d s; "
                + "server RSS %d MiB%n", cameras, good, rate, cameras - good,
                TimeUnit.NANOSECONDS.toSeconds(endNanos - System.nanoTime()), rssIdle);
        ExecutorService threads = Executors.newCachedThreadPool();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            String id = (i < good ? "good-" : "bad-") + i;
            Random random = new Random(seeds.nextLong());
            Runnable camera = i < good ? () -> wellBehaved(id, random) : () -> misbehaving(id, random);
            all.add(CompletableFuture.runAsync(camera, threads));
        }
        long started = System.nanoTime();
        // Memory is compared from the end of a warm-up under the full load (the JIT, thread stacks and buffers have
        // grown by then; a quarter of the run, at most a minute) to the last sample before the cameras stop, both
        // times right after a full collection, so that heap G1 has merely committed and not yet given back (it does
        // so only at its rare full or concurrent collections) is not mistaken for a leak. The raw RSS is printed
        // every sample and its peak is checked against the pod's memory limit.
        long warmUpNanos = Math.min(TimeUnit.MINUTES.toNanos(1), (endNanos - started) / 4);
        long loadedEndNanos = endNanos - TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS * 3 / 2);
        ServerMemory.AfterFullCollection warm = null;
        ServerMemory.AfterFullCollection loadedEnd = null;
        long rssWarm = -1;
        long rssPeak = 0;
        while (System.nanoTime() < endNanos) {
            TimeUnit.MILLISECONDS.sleep(Math.min(SAMPLE_MILLIS, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000)));
            LoadReport load = load();
            int open = live.get();
            maxSlotsAboveLive.accumulateAndGet(load.getActiveStreams() - open, Math::max);
            long rss = memory.rssMiB();
            rssPeak = Math.max(rssPeak, rss);
            System.out.printf("[soak] %4d s  active streams %4d  soak's open streams %4d  awaiting open %3d  "
                    + "server RSS %5d MiB  well-behaved answered %d%n", TimeUnit.NANOSECONDS.toSeconds(
                    System.nanoTime() - started), load.getActiveStreams(), open, load.getCallsAwaitingOpen(),
                    rss, goodAnswered.sum());
            if (warm == null && System.nanoTime() - started >= warmUpNanos) {
                rssWarm = rss;
                warm = memory.collectFully();
                System.out.println("[soak] after the warm-up, a full collection: " + warm);
            } else if (warm != null && loadedEnd == null && System.nanoTime() >= loadedEndNanos) {
                loadedEnd = memory.collectFully();
                System.out.println("[soak] before the cameras stop, a full collection: " + loadedEnd);
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        LoadReport end = load();
        while ((end.getActiveStreams() > 0 || end.getCallsAwaitingOpen() > 0) && System.nanoTime() < settleDeadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            end = load();
        }
        long rssEnd = memory.rssMiB();
        threads.shutdownNow();
        if (warm == null || loadedEnd == null) {
            throw new IllegalStateException("the run was too short for a warm-up and a last sample: give it a minute");
        }
        return report(end, new MemorySeen(warm, loadedEnd, rssWarm, rssEnd, rssPeak), cameras - good);
    }

    /** The server's memory over the run: two full collections, and the raw RSS. */
    private record MemorySeen(ServerMemory.AfterFullCollection warm, ServerMemory.AfterFullCollection loadedEnd,
            long rssWarm, long rssEnd, long rssPeak) {
    }

    private boolean report(LoadReport end, MemorySeen memorySeen, int misbehaving) {
        ServerMemory.AfterFullCollection warm = memorySeen.warm();
        ServerMemory.AfterFullCollection loadedEnd = memorySeen.loadedEnd();
        List<String[]> rows = new ArrayList<>();
        boolean ok = true;
        ok &= row(rows, "slots after every camera has gone (active / awaiting open)",
                end.getActiveStreams() + " / " + end.getCallsAwaitingOpen(),
                end.getActiveStreams() == 0 && end.getCallsAwaitingOpen() == 0);
        // At a sample, each misbehaving camera may have one call whose end the server has not processed yet.
        ok &= row(rows, "slots above the soak's open streams, worst 10 s sample (<= misbehaving cameras)",
                String.valueOf(maxSlotsAboveLive.get()), maxSlotsAboveLive.get() <= misbehaving);
        // Flat: the end within a quarter (and 64 MiB of slack: the JIT's code cache, and the answers each session
        // keeps for a takeover, which fill up over the run to 256 x (W - 1 + 256) per pod) of the start.
        ok &= row(rows, "live heap after a full collection: after the warm-up -> before the cameras stop (MiB)",
                warm.liveHeapMiB() + " -> " + loadedEnd.liveHeapMiB(), flat(warm.liveHeapMiB(),
                loadedEnd.liveHeapMiB()));
        ok &= row(rows, "server RSS after a full collection: after the warm-up -> before the cameras stop (MiB)",
                warm.rssMiB() + " -> " + loadedEnd.rssMiB(), flat(warm.rssMiB(), loadedEnd.rssMiB()));
        ok &= row(rows, "server RSS, peak of the 10 s samples (<= the pod's memory limit, MiB)",
                memorySeen.rssPeak() + " <= " + memoryLimitMiB, memorySeen.rssPeak() <= memoryLimitMiB);
        rows.add(new String[]{"server RSS, raw: after the warm-up -> after the cameras stopped (MiB)",
                memorySeen.rssWarm() + " -> " + memorySeen.rssEnd(), ""});
        long sent = goodSent.sum();
        long answered = goodAnswered.sum();
        ok &= row(rows, "well-behaved segments sent / answered once", sent + " / " + answered, sent == answered
                && sent > 0);
        ok &= row(rows, "well-behaved answers duplicated / out of order", goodDuplicated.sum() + " / "
                + goodOutOfOrder.sum(), goodDuplicated.sum() == 0 && goodOutOfOrder.sum() == 0);
        ok &= row(rows, "well-behaved calls that did not end OK", goodFailures.size()
                + (goodFailures.isEmpty() ? "" : ": " + goodFailures.get(0)), goodFailures.isEmpty());
        ok &= row(rows, "misbehaving: what the server answered that it should not have", surprises.size()
                + (surprises.isEmpty() ? "" : ": " + surprises.get(0)), surprises.isEmpty());
        rows.add(new String[]{"misdeeds done", misdeeds.toString(), ""});
        rows.add(new String[]{"opens that found the id still held by the call just cancelled or dropped (retried)",
                String.valueOf(idStillHeld.sum()), ""});
        rows.add(new String[]{"misbehaving calls ended with", endings.toString(), ""});
        System.out.println();
        for (String[] r : rows) {
            System.out.printf("%-88s %-5s %s%n", r[0], r[2], r[1]);
        }
        System.out.println(ok ? "[soak] PASS" : "[soak] FAIL");
        return ok;
    }

    private static boolean flat(long start, long end) {
        return end <= start * 1.25 + 64;
    }

    private static boolean row(List<String[]> rows, String check, String value, boolean pass) {
        rows.add(new String[]{check, value, pass ? "PASS" : "FAIL"});
        return pass;
    }

    /** One call for the whole run: one segment per message, paced; every answer once, in order. */
    private void wellBehaved(String id, Random random) {
        ManagedChannel channel = shared.get(random.nextInt(shared.size()));
        AtomicLong expected = new AtomicLong();
        RawCall call = RawCall.stream(channel, CallOptions.DEFAULT, bytes -> {
            StreamResponse response = parse(bytes);
            if (response.hasScore()) {
                long s = response.getScore().getSequence();
                if (s == expected.get()) {
                    goodAnswered.increment();
                    expected.incrementAndGet();
                } else if (s < expected.get()) {
                    goodDuplicated.increment();
                } else {
                    goodOutOfOrder.increment();
                }
            }
        });
        call.send(open(id, 0, ""));
        live.incrementAndGet();
        long periodNanos = (long) (1e9 / rate);
        long next = System.nanoTime() + random.nextLong(periodNanos);
        long sequence = 0;
        try {
            while (System.nanoTime() < endNanos && !call.ended().isDone()) {
                sleepUntil(next);
                call.send(segment(sequence++, random));
                goodSent.increment();
                next += periodNanos;
            }
            call.halfClose();
            Status status = call.ended().get(2, TimeUnit.MINUTES);
            if (!status.isOk()) {
                goodFailures.add(id + " " + status);
            }
        } catch (Exception e) {
            goodFailures.add(id + " " + e);
        } finally {
            live.decrementAndGet();
        }
    }

    private void misbehaving(String id, Random random) {
        while (System.nanoTime() < endNanos) {
            Misdeed misdeed = Misdeed.values()[random.nextInt(Misdeed.values().length)];
            misdeeds.computeIfAbsent(misdeed.name(), k -> new LongAdder()).increment();
            try {
                misbehave(misdeed, id, random);
            } catch (Exception e) {
                surprises.add(id + " " + misdeed + ": " + e);
            }
            sleepQuietly(random.nextInt(2000));
        }
    }

    private void misbehave(Misdeed misdeed, String id, Random random) throws Exception {
        ManagedChannel own = misdeed == Misdeed.DROP_CONNECTION ? channel(target) : null;
        RawCall call = openOwnId(id, misdeed, own != null ? own : shared.get(random.nextInt(shared.size())));
        if (call == null) {
            if (own != null) {
                own.shutdownNow();
            }
            return;
        }
        live.incrementAndGet();
        try {
            int count = 1 + random.nextInt(20);
            for (int s = 0; s < count; s++) {
                call.send(segment(s, random));
            }
            switch (misdeed) {
                case CANCEL -> call.cancel();
                case DROP_CONNECTION -> own.shutdownNow();
                case MALFORMED -> {
                    call.send(MalformedProtobuf.any(random));
                    expect(id, misdeed, call, Status.Code.INVALID_ARGUMENT);
                }
                case SILENT_THEN_CANCEL -> {
                    sleepQuietly(random.nextInt(3000));
                    call.cancel();
                }
                case REOPEN_WITHOUT_TOKEN -> {
                    awaitAnswers(call, count);
                    RawCall again = RawCall.stream(shared.get(0), CallOptions.DEFAULT);
                    again.send(open(id, 0, ""));
                    again.halfClose();
                    expect(id, misdeed, again, Status.Code.ALREADY_EXISTS);
                    call.halfClose();
                    expect(id, misdeed, call, Status.Code.OK);
                }
                case TAKE_OVER -> {
                    awaitAnswers(call, count);
                    RawCall newer = RawCall.stream(shared.get(random.nextInt(shared.size())), CallOptions.DEFAULT);
                    newer.send(open(id, count, resumeToken(call)));
                    newer.send(segment(count, random));
                    newer.halfClose();
                    expect(id, misdeed, call, Status.Code.ABORTED);
                    expect(id, misdeed, newer, Status.Code.OK);
                    if (scores(newer) != 1) {
                        surprises.add(id + " " + misdeed + ": the newer call got " + scores(newer) + " answers, not 1");
                    }
                }
                case REOPEN_AFTER_END -> {
                    call.halfClose();
                    expect(id, misdeed, call, Status.Code.OK);
                    RawCall again = RawCall.stream(shared.get(0), CallOptions.DEFAULT);
                    again.send(open(id, 0, ""));
                    again.send(segment(0, random));
                    again.halfClose();
                    expect(id, misdeed, again, Status.Code.OK);
                }
                default -> throw new IllegalStateException(misdeed.name());
            }
            if (misdeed == Misdeed.CANCEL || misdeed == Misdeed.SILENT_THEN_CANCEL
                    || misdeed == Misdeed.DROP_CONNECTION) {
                ended(call.ended().get(1, TimeUnit.MINUTES));
            }
        } finally {
            live.decrementAndGet();
            if (own != null) {
                own.shutdownNow();
            }
        }
    }

    private void expect(String id, Misdeed misdeed, RawCall call, Status.Code code) throws Exception {
        Status status = call.ended().get(2, TimeUnit.MINUTES);
        ended(status);
        if (status.getCode() != code) {
            surprises.add(id + " " + misdeed + ": expected " + code + ", got " + status);
        }
    }

    private void ended(Status status) {
        endings.computeIfAbsent(status.getCode().name(), k -> new LongAdder()).increment();
    }

    private byte[] open(String id, long first, String token) {
        return StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(id).setFirstSequence(first)
                .setResumeToken(token)).build().toByteArray();
    }

    private byte[] segment(long sequence, Random random) {
        int row = random.nextInt(clipSegments);
        return StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(sequence)
                .setFeatures(Features.newBuilder().setSegments(1).setFeatureDim(DIM)
                        .setData(Float32Bytes.pack(clip, row * DIM, DIM)))).build().toByteArray();
    }

    private LoadReport load() {
        return AdminGrpc.newBlockingStub(admin).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getLoadReport(GetLoadReportRequest.getDefaultInstance());
    }

    /** Features in the range real encoders give: 64 L2-normalised segments. */
    private static float[] clip(long seed) {
        Random random = new Random(seed);
        float[] clip = new float[64 * DIM];
        for (int s = 0; s < 64; s++) {
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                clip[s * DIM + d] = (float) random.nextGaussian();
                norm += clip[s * DIM + d] * clip[s * DIM + d];
            }
            for (int d = 0; d < DIM; d++) {
                clip[s * DIM + d] /= (float) Math.sqrt(norm);
            }
        }
        return clip;
    }

    private static ManagedChannel channel(String target) {
        return NettyChannelBuilder.forTarget(target).usePlaintext().build();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StreamResponse parse(byte[] bytes) {
        try {
            return StreamResponse.parseFrom(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long scores(RawCall call) {
        return call.responses().stream().map(Soak::parse).filter(StreamResponse::hasScore).count();
    }

    private static String resumeToken(RawCall call) {
        return call.responses().stream().map(Soak::parse).filter(StreamResponse::hasOpened).findFirst().orElseThrow()
                .getOpened().getResumeToken();
    }

    /**
     * Opens the camera's own id on a new call and waits for StreamOpened. A cancel or a dropped connection ends the
     * call on the client at once and on the server a moment later, so right after such a misdeed the id can still be
     * held: the camera then retries, as a real one would, and the id must be free within {@link #ID_RELEASE_NANOS}
     * (else the slot leaked: a surprise). Null if the open failed.
     */
    private RawCall openOwnId(String id, Misdeed misdeed, ManagedChannel channel) throws Exception {
        long deadline = System.nanoTime() + ID_RELEASE_NANOS;
        while (true) {
            RawCall call = RawCall.stream(channel, CallOptions.DEFAULT);
            call.send(open(id, 0, ""));
            long answerDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!opened(call) && !call.ended().isDone() && System.nanoTime() < answerDeadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            if (opened(call)) {
                return call;
            }
            Status status = call.ended().getNow(Status.DEADLINE_EXCEEDED.withDescription("no StreamOpened in 1 min"));
            ended(status);
            if (status.getCode() != Status.Code.ALREADY_EXISTS || System.nanoTime() > deadline) {
                surprises.add(id + " " + misdeed + ": opening its own id failed: " + status);
                call.cancel();
                return null;
            }
            idStillHeld.increment();
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static boolean opened(RawCall call) {
        return call.responses().stream().map(Soak::parse).anyMatch(StreamResponse::hasOpened);
    }

    private static void awaitAnswers(RawCall call, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (scores(call) < count && !call.ended().isDone() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
