package io.refinevad.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded default model on ONNX Runtime, for tests that run real batches without a Quarkus application: loaded
 * once before a test class's tests and closed after them (register it as a static field).
 */
final class DefaultModelEngine implements BeforeAllCallback, AfterAllCallback {
    private OnnxRuntimeEngine engine;

    @Override
    public void beforeAll(ExtensionContext context) {
        ObjectMapper mapper = new ObjectMapper();
        engine = new OnnxRuntimeEngine(ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper), 1, false);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        engine.close();
    }

    OnnxRuntimeEngine get() {
        return engine;
    }
}
