package io.refinevad.e2e.nodeagent;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a container's mount paths live on this host. Processes here share one file system, so a volume cannot
 * appear at its mount path; instead, paths under a mount path in the container's command, args and environment are
 * rewritten to the volume's folder (the longest mount path wins). A path is recognised at the start of a word or
 * after whitespace, '=', ':', a quote or a redirection, so {@code --flag=/mnt/x}, {@code -Dprop=/mnt/x} and
 * {@code sh -c "cat /mnt/x > /mnt/y"} all work.
 */
final class MountTable {

    private static final Pattern PATH_START = Pattern.compile("(^|[\\s=:'\"<>(])(/[^\\s=:'\"<>;|&)]*)");

    private final Map<String, Path> hostPathByMountPath = new LinkedHashMap<>();

    void add(String mountPath, Path hostPath) {
        hostPathByMountPath.put(trimTrailingSlash(mountPath), hostPath);
    }

    Path hostPath(String mountPath) {
        return hostPathByMountPath.get(trimTrailingSlash(mountPath));
    }

    /** Rewrites every absolute path in the text that falls under a mount path. */
    String rewrite(String text) {
        Matcher matcher = PATH_START.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result,
                    Matcher.quoteReplacement(matcher.group(1) + rewritePath(matcher.group(2))));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    List<String> rewrite(List<String> words) {
        return words.stream().map(this::rewrite).toList();
    }

    private String rewritePath(String path) {
        return hostPathByMountPath.entrySet().stream()
                .filter(mount -> path.equals(mount.getKey()) || path.startsWith(mount.getKey() + "/"))
                .max(Comparator.comparingInt(mount -> mount.getKey().length()))
                .map(mount -> mount.getValue() + path.substring(mount.getKey().length()))
                .orElse(path);
    }

    private static String trimTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
