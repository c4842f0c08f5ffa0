package io.refinevad.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * stream --plot DIR: one timeline SVG per camera in DIR, named after its stream id. Stream ids are the caller's, so
 * a file name keeps only characters that are safe in any file system and cannot leave DIR.
 */
final class TimelinePlots {
    private static final int MAX_NAME_LENGTH = 100;
    private final Path folder;
    private final String modelVersion;
    private final AlarmRule rule;
    private final int framesPerSegment;
    private final Set<String> namesTaken = new HashSet<>();

    /** Creates the folder (and its parents) if needed. */
    TimelinePlots(Path folder, String modelVersion, AlarmRule rule, int framesPerSegment) throws IOException {
        this.folder = Files.createDirectories(folder);
        this.modelVersion = modelVersion;
        this.rule = rule;
        this.framesPerSegment = framesPerSegment;
    }

    Path folder() {
        return folder;
    }

    /**
     * Writes one camera's timeline with the intervals StreamReport prints and returns the file.
     *
     * @param groundTruth null when not known
     */
    Path write(StreamResult result, List<TimelineSvg.Span> groundTruth) throws IOException {
        List<TimelineSvg.Band> bands = StreamReport.alarms(result, rule).stream()
                .map(i -> new TimelineSvg.Band(i.start(), i.end(), i.peak(), rule.category(i))).toList();
        String svg = TimelineSvg.render(new TimelineSvg.Timeline(result.streamId(), modelVersion, rule.threshold(),
                rule.thresholdSource(), framesPerSegment, result.scores(), groundTruth, bands));
        Path file = folder.resolve(uniqueName(fileName(result.streamId())) + ".svg");
        return Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    /**
     * The stream id with every character outside [A-Za-z0-9._-] replaced by '_', shortened, and never starting
     * with '.' (no hidden files, and with '/' gone no "..": the file stays in the folder).
     */
    static String fileName(String streamId) {
        String safe = streamId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.startsWith(".")) {
            safe = "_" + safe;
        }
        return safe.length() > MAX_NAME_LENGTH ? safe.substring(0, MAX_NAME_LENGTH) : safe;
    }

    /** Two ids that sanitise alike (a/b and a_b) get two files, the later with a number. */
    private String uniqueName(String name) {
        String unique = name;
        for (int n = 2; !namesTaken.add(unique); n++) {
            unique = name + "-" + n;
        }
        return unique;
    }
}
