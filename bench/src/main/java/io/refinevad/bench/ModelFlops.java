package io.refinevad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.server.model.ModelBundle;
import java.io.IOException;

/**
 * Multiply-add FLOPs of one window, counted from the exported model's configuration (manifest model_config):
 * the matrix products of the projection, the Transformer, CORE and the head. Element-wise work is left out, so
 * this slightly undercounts; it is an estimate for comparing the achieved rate with the machine's matmul rate.
 */
final class ModelFlops {
    private ModelFlops() {
    }

    static double perWindow(ModelBundle bundle, int window) throws IOException {
        JsonNode c = new ObjectMapper().readTree(bundle.directory().resolve(ModelBundle.MANIFEST).toFile())
                .get("model_config");
        double d = c.get("feature_dim").asDouble();
        double h = c.get("hidden_dim").asDouble();
        double ff = c.get("transformer_ff").asDouble();
        double layers = c.get("transformer_layers").asDouble();
        double head = c.get("head_hidden").asDouble();
        double categories = bundle.manifest().categories().size();
        double perSegment = 2 * d * h;                                              // input projection
        perSegment += layers * (2 * h * 3 * h + 2 * h * h + 2 * 2 * h * ff + 2 * 2 * window * h);  // Transformer
        perSegment += 2 * h * h * 2 + 2 * 2 * (categories + 1) * h;                // CORE query/output, attention
        perSegment += 2 * (2 * h * head + head);                                    // scoring head
        double perWindow = 2 * (categories + 1) * h * h * 2 + 2 * h * 2 * categories;  // CORE keys/values, classifier
        return window * perSegment + perWindow;
    }
}
