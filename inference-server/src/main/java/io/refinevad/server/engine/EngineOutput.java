package io.refinevad.server.engine;

/** scores [batch, time] (0 on padding) and probs [batch, categories], row-major. */
public record EngineOutput(int batch, int time, int categories, float[] scores, float[] probs) {

    public float[] probs(int row) {
        float[] out = new float[categories];
        System.arraycopy(probs, row * categories, out, 0, categories);
        return out;
    }
}
