package io.refinevad.gateway.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A directory laid out as the kubelet mounts a Secret: each version of its files in a directory of its own,
 * {@code ..data} a symlink to the current one, and each file name a symlink through {@code ..data}. A new version
 * replaces the {@code ..data} link in one rename, as the kubelet does, so a reader sees all old files or all new ones.
 */
final class SecretVolume {
    private final Path dir;

    SecretVolume(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Writes a new version of the Secret's files (the same names every time) and makes it the current one. */
    void write(Map<String, byte[]> files) {
        try {
            Files.createDirectories(dir);
            Path version = Files.createTempDirectory(dir, "..version-");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(version.resolve(file.getKey()), file.getValue());
            }
            Path next = dir.resolve("..data_tmp");
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, version.getFileName());
            Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                Path link = dir.resolve(name);
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, Path.of("..data", name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Secret volume " + dir, e);
        }
    }
}
