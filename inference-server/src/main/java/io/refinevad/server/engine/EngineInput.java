package io.refinevad.server.engine;

/**
 * A padded batch in the exported model's layout: features [batch, time, featureDim] and mask [batch, time]
 * (1 valid, 0 padding), both row-major. Every row must hold at least one valid segment.
 */
public record EngineInput(int batch, int time, int featureDim, float[] features, float[] mask) {
    public EngineInput {
        if (features.length != batch * time * featureDim || mask.length != batch * time) {
            throw new IllegalArgumentException("batch " + batch + " x time " + time + " x dim " + featureDim
                    + " does not match " + features.length + " feature values and " + mask.length + " mask values");
        }
    }
}
