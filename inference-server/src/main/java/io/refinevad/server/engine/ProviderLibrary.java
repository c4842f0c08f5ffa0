package io.refinevad.server.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared library of an ONNX Runtime GPU execution provider, as the onnxruntime_gpu jar packs it, and which of the
 * libraries it links the node lacks. ONNX Runtime's Java API says only "Failed to load shared library" when the CUDA
 * provider cannot load (the name of the missing library goes to its native log alone), so after such a failure the
 * server loads the provider's library itself: the dynamic loader's error names the first library it could not find.
 */
enum ProviderLibrary {
    CUDA(OrtProvider.CUDA, "onnxruntime_providers_cuda", "CUDA 12 and cuDNN 9"),
    TENSORRT(OrtProvider.TENSOR_RT, "onnxruntime_providers_tensorrt", "TensorRT 10, CUDA 12 and cuDNN 9");

    /** The dynamic loader's words for a library it did not find: "libcublasLt.so.12: cannot open shared object". */
    private static final Pattern NOT_FOUND = Pattern.compile("([^\\s:/]+\\.so[.0-9]*): cannot open shared object file");
    /** The onnxruntime_gpu jar has natives for linux-x64 and win-x64; GPU nodes are linux-x64. */
    private static final String NATIVES = "ai/onnxruntime/native/linux-x64/";

    private final OrtProvider provider;
    private final String library;
    private final String needs;

    ProviderLibrary(OrtProvider provider, String library, String needs) {
        this.provider = provider;
        this.library = library;
        this.needs = needs;
    }

    /** Whether the ONNX Runtime on the classpath has this provider: the -Pgpu build's does, the default one not. */
    boolean inThisBuild() {
        return OrtEnvironment.getAvailableProviders().contains(provider);
    }

    /** What a node must have for this provider, as a user installs it. */
    String needs() {
        return needs;
    }

    /**
     * The first library this provider links that the dynamic loader cannot find on this node; empty if it finds
     * them all (the provider then failed for another reason, which ONNX Runtime's own message says) or if the
     * provider's library is not on the classpath or cannot be copied out of it (ONNX Runtime's own message then
     * stands alone). Loads the provider's library into this process when nothing is missing: called only once ONNX
     * Runtime failed to, when the server is about to stop.
     */
    Optional<String> missingDependency() {
        String resource = NATIVES + System.mapLibraryName(library);
        try (InputStream packed = ProviderLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (packed == null) {
                return Optional.empty();
            }
            Path copy = Files.createTempFile("refinevad-" + library, ".so");
            try {
                Files.copy(packed, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
                return Optional.empty();
            } catch (UnsatisfiedLinkError e) {
                Matcher notFound = NOT_FOUND.matcher(String.valueOf(e.getMessage()));
                return notFound.find() ? Optional.of(notFound.group(1)) : Optional.empty();
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
