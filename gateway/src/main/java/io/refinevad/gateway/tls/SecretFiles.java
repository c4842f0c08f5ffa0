package io.refinevad.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Some files of a Secret mounted as a volume, read whole each time. The kubelet replaces them all at once (it writes
 * a new directory and swaps the {@code ..data} symlink the file names point through), so one read sees one version.
 */
final class SecretFiles {
    private final Path directory;
    private final List<String> names;
    private List<byte[]> taken = List.of();

    SecretFiles(Path directory, String... names) {
        this.directory = directory;
        this.names = List.of(names);
    }

    /** Their contents when they differ from those last {@link #taken} (always, before the first); else empty. */
    Optional<List<byte[]>> changed() throws IOException {
        List<byte[]> now = new ArrayList<>();
        for (String name : names) {
            now.add(Files.readAllBytes(directory.resolve(name)));
        }
        boolean same = now.size() == taken.size()
                && IntStream.range(0, now.size()).allMatch(index -> Arrays.equals(now.get(index), taken.get(index)));
        return same ? Optional.empty() : Optional.of(now);
    }

    /** These contents are in use: {@link #changed} compares with them from now on. */
    void taken(List<byte[]> contents) {
        taken = List.copyOf(contents);
    }

    @Override
    public String toString() {
        return String.join(", ", names.stream().map(name -> directory.resolve(name).toString()).toList());
    }
}
