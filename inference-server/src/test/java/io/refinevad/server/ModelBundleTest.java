package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelBundleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void theEmbeddedDefaultModelVerifies() {
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        assertEquals("refinevad", bundle.manifest().name());
        assertEquals(13, bundle.manifest().categories().size());
        assertTrue(Files.isRegularFile(bundle.verifiedFile("model.onnx")));
    }

    @Test
    void aDeploymentMayServeTheModelWithAnotherWindow() {
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        ModelBundle wide = bundle.withWindow(64);
        assertEquals(64, wide.manifest().window());
        assertEquals(bundle.manifest().files(), wide.manifest().files());
        assertThrows(ModelBundleException.class, () -> bundle.withWindow(0));
    }

    @Test
    void aTamperedModelFileIsRefusedWithBothDigests() throws Exception {
        Path directory = EmbeddedDefaultModel.extract(mapper);
        Path model = directory.resolve("model.onnx");
        byte[] content = Files.readAllBytes(model);
        content[content.length / 2] ^= 1;  // same size, other content
        Files.write(model, content);
        ModelBundle bundle = ModelBundle.open(directory, mapper);
        String expected = bundle.manifest().files().get("model.onnx").sha256();
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> bundle.verifiedFile("model.onnx"));
        assertTrue(e.getMessage().contains("but manifest.json says " + expected), e.getMessage());
        assertTrue(e.getMessage().contains("refusing to serve"), e.getMessage());
    }

    @Test
    void aModelFileOfAnotherSizeIsRefusedWithBothSizes() throws Exception {
        Path directory = EmbeddedDefaultModel.extract(mapper);
        Files.write(directory.resolve("model.onnx"), new byte[]{1}, StandardOpenOption.APPEND);
        ModelBundle bundle = ModelBundle.open(directory, mapper);
        long expected = bundle.manifest().files().get("model.onnx").bytes();
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> bundle.verifiedFile("model.onnx"));
        assertTrue(e.getMessage().contains("is " + (expected + 1) + " bytes but manifest.json says " + expected
                + " bytes"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutManifestIsExplained(@TempDir Path empty) {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.open(empty, mapper));
        assertTrue(e.getMessage().contains("no manifest.json in model directory"), e.getMessage());
    }

    @Test
    void aManifestWithoutFeatureDimIsRefused(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("manifest.json"),
                "{\"name\": \"m\", \"window\": 8, \"categories\": [\"A\"], \"files\": {\"model.onnx\": {}}}");
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.open(directory, mapper));
        assertTrue(e.getMessage().contains("feature_dim must be positive, is 0"), e.getMessage());
    }
}
