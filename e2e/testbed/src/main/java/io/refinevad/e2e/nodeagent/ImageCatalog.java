package io.refinevad.e2e.nodeagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps container images to local commands, because the node agent has no container runtime: an image "runs" as the
 * command its catalog line names (the image's entrypoint). As with a real runtime, a container's {@code command}
 * replaces that entrypoint and its {@code args} follow it.
 *
 * <p>Catalog lines: {@code <image name, no tag or digest>  <entrypoint words>}, or {@code -} for an image without an
 * entrypoint (its containers must give a command, run on the host as written). In the entrypoint, {@code ${POD_IP}}
 * is the pod's address and {@code ${REPO}} the checkout that holds the catalog (the catalog's parent folder).
 */
final class ImageCatalog {

    private final Path source;
    private final Path repository;
    private final Map<String, List<String>> entrypoints;

    private ImageCatalog(Path source, Map<String, List<String>> entrypoints) {
        this.source = source;
        this.repository = source.toAbsolutePath().getParent().getParent();
        this.entrypoints = entrypoints;
    }

    static ImageCatalog load(Path file) throws IOException {
        Map<String, List<String>> entrypoints = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] words = text.split("\\s+");
            if (words.length < 2) {
                throw new IOException(file + ":" + lineNumber + ": expected '<image> <entrypoint...>' or '<image> -'");
            }
            List<String> entrypoint = words.length == 2 && words[1].equals("-")
                    ? List.of() : List.of(Arrays.copyOfRange(words, 1, words.length));
            entrypoints.put(words[0], entrypoint);
        }
        return new ImageCatalog(file, entrypoints);
    }

    /** The entrypoint for an image, or empty when the catalog does not know it (a real node would fail the pull). */
    Optional<List<String>> entrypoint(String image, String podIp) {
        List<String> words = entrypoints.get(nameWithoutTag(image));
        if (words == null) {
            return Optional.empty();
        }
        List<String> expanded = new ArrayList<>(words.size());
        for (String word : words) {
            expanded.add(word.replace("${POD_IP}", podIp).replace("${REPO}", repository.toString()));
        }
        return Optional.of(expanded);
    }

    String describeMissing(String image) {
        return "image " + image + " is not in the node agent's image catalog " + source + " (it knows "
                + String.join(", ", entrypoints.keySet()) + ")";
    }

    static String nameWithoutTag(String image) {
        String name = image;
        int digest = name.indexOf('@');
        if (digest >= 0) {
            name = name.substring(0, digest);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            name = name.substring(0, colon);
        }
        return name;
    }
}
