package io.refinevad.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The command line: info, score a .npy clip, or stream .npy files as live cameras. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar refinevad-client.jar [--target HOST:PORT[,HOST:PORT...]] [TLS OPTIONS] COMMAND
              info                           the served model: name, version, feature dim, window, categories,
                                             alarm threshold and category confidence
              wait [--seconds N]             wait until the server answers (default 60 s)
              score FILE.npy                 score a whole clip [segments, feature_dim] float32
              stream [--rate R] [--threshold T] [--plot DIR [--ground-truth GT_DIR]] FILE.npy...
                                             stream each file as a live camera at R segments per second
                                             (default 0: as fast as answers allow); print scores and the
                                             alarms (runs of 2+ segments scoring >= T, in (0, 1]; default: the
                                             server's threshold) with their category where the server's
                                             calibrated confidence allows, else unknown.
                                             --plot: also write DIR/CAMERA.svg, each camera's score timeline
                                             with threshold and alarms, and where GT_DIR/CAMERA.npy exists
                                             (frame-level 0/1 as in docs/DATA.md's gt/) its ground truth
            --target is the detector's endpoint (kubectl get ad NAME -o jsonpath='{.status.endpoint}'): its
            gateway places each stream and moves it between pods. For direct use it may also list scoring pods:
            info, wait and score use the first, and a stream whose server drains continues on the next one
            without losing a segment. Default: localhost:9000.
            TLS OPTIONS (for a gateway with spec.gateway.tls; plaintext without them):
              --tls                          speak TLS, trusting the JVM's roots
              --tls-ca FILE                  trust this PEM CA instead (implies --tls)
              --tls-cert FILE --tls-key FILE present this PEM certificate chain and PKCS#8 key (mTLS)""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LinkedList<String> rest = new LinkedList<>(Arrays.asList(args));
        String target = option(rest, "--target", "localhost:9000");
        boolean tls = rest.remove("--tls");
        String ca = option(rest, "--tls-ca", null);
        String certificate = option(rest, "--tls-cert", null);
        String key = option(rest, "--tls-key", null);
        if (rest.isEmpty()) {
            fail(USAGE);
        }
        String command = rest.removeFirst();
        ChannelSecurity security;
        try {
            security = ChannelSecurity.fromOptions(tls, ca, certificate, key);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage() + "\n" + USAGE);
            return;
        }
        try (ScoringClient client = new ScoringClient(List.of(target.split(",")), security)) {
            switch (command) {
                case "info" -> info(client.modelInfo(), System.out);
                case "wait" -> waitForServer(client, Integer.parseInt(option(rest, "--seconds", "60")), target);
                case "score" -> score(client, rest);
                case "stream" -> stream(client, rest);
                default -> fail("unknown command '" + command + "'\n" + USAGE);
            }
        } catch (StatusRuntimeException e) {
            fail("the server at " + target + " (" + security.describe() + ") answered " + e.getStatus().getCode()
                    + ": " + e.getStatus().getDescription());
        } catch (IllegalArgumentException e) {  // a bad option value; the message names it and what is allowed
            fail(e.getMessage() + "\n" + USAGE);
        }
    }

    private static void info(ModelInfo info, PrintStream out) {
        out.printf("model %s version %s on %s: %d-d features, window %d segments, %d categories%n  %s%n",
                info.getName(), info.getVersion(), info.getEngine(), info.getFeatureDim(), info.getWindow(),
                info.getCategoriesCount(), String.join(", ", info.getCategoriesList()));
        out.println("  " + AlarmRule.of(info.getAlarms(), null).describe());
    }

    private static void waitForServer(ScoringClient client, int seconds, String target) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                info(client.modelInfo(), System.out);
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    private static void score(ScoringClient client, List<String> files) throws IOException {
        for (String file : files) {
            NpyFloatMatrix clip = readClip(file);
            ScoreResponse response = client.score(clip.values(), clip.shape()[0], clip.shape()[1]);
            float[] scores = new float[response.getScoresCount()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = response.getScores(i);
            }
            System.out.printf("%s  %d segments  %s%n", file, scores.length, Sparkline.of(scores, 80));
            response.getCategoriesList().stream()
                    .sorted((a, b) -> Float.compare(b.getProbability(), a.getProbability())).limit(3)
                    .forEach(c -> System.out.printf("  %-14s %.3f%n", c.getCategory(), c.getProbability()));
        }
    }

    private static void stream(ScoringClient client, LinkedList<String> args) throws Exception {
        double rate = Double.parseDouble(option(args, "--rate", "0"));
        Float threshold = threshold(option(args, "--threshold", null));
        String plotFolder = option(args, "--plot", null);
        String groundTruthFolder = option(args, "--ground-truth", null);
        if (args.isEmpty()) {
            fail("stream needs at least one .npy file\n" + USAGE);
        }
        if (groundTruthFolder != null && plotFolder == null) {
            throw new IllegalArgumentException("--ground-truth is drawn on the plots: give --plot DIR too");
        }
        // Asked once, before streaming: when the first target drains mid-stream it may be gone by the report.
        ModelInfo served = client.modelInfo();
        int framesPerSegment = StreamReport.framesPerSegment(served);
        AlarmRule rule = AlarmRule.of(served.getAlarms(), threshold);
        System.out.println(rule.describe());
        TimelinePlots plots = plotFolder == null ? null
                : new TimelinePlots(Path.of(plotFolder), served.getVersion(), rule, framesPerSegment);
        List<CompletableFuture<StreamResult>> cameras = new ArrayList<>();
        List<List<TimelineSvg.Span>> groundTruths = new ArrayList<>();  // per camera; null where not known
        for (String file : args) {
            NpyFloatMatrix clip = readClip(file);
            String id = Path.of(file).getFileName().toString().replaceFirst("\\.npy$", "");
            // Read before streaming: a bad ground-truth file stops the run before any camera starts.
            groundTruths.add(groundTruthFolder == null ? null
                    : GroundTruth.read(Path.of(groundTruthFolder), id, clip.shape()[0]));
            cameras.add(client.stream(id, clip.values(), clip.shape()[0], clip.shape()[1], rate)
                    .whenComplete((r, e) -> System.err.printf("[client] camera %s finished%n", id)));
        }
        System.err.printf("[client] streaming %d cameras%s%n", cameras.size(),
                rate > 0 ? " at " + rate + " segments/s each" : "");
        boolean allOk = true;
        for (int c = 0; c < cameras.size(); c++) {
            StreamResult result = cameras.get(c).get();
            allOk &= result.status().isOk();
            StreamReport.print(result, rule, framesPerSegment, System.out);
            if (plots != null) {
                plots.write(result, groundTruths.get(c));
            }
        }
        if (plots != null) {
            System.out.printf("timelines of %d cameras in %s%n", cameras.size(), plots.folder());
        }
        if (!allOk) {
            System.exit(1);
        }
    }

    /** The operator's --threshold, or null without one. */
    static Float threshold(String text) {
        if (text == null) {
            return null;
        }
        float value;
        try {
            value = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            value = Float.NaN;
        }
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("--threshold " + text
                    + " is not allowed: give a score in (0, 1], e.g. 0.5");
        }
        return value;
    }

    private static NpyFloatMatrix readClip(String file) throws IOException {
        NpyFloatMatrix clip = NpyFloatMatrix.read(Path.of(file));
        if (clip.shape().length != 2) {
            fail(file + ": shape " + Arrays.toString(clip.shape()) + ", expected [segments, feature_dim]");
        }
        return clip;
    }

    private static String option(List<String> args, String name, String fallback) {
        int at = args.indexOf(name);
        if (at < 0) {
            return fallback;
        }
        if (at + 1 >= args.size()) {
            fail(name + " needs a value\n" + USAGE);
        }
        args.remove(at);
        return args.remove(at);
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
