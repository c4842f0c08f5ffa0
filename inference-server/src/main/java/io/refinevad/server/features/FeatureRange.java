package io.refinevad.server.features;

import io.refinevad.server.errors.GrpcErrors;
import jakarta.inject.Singleton;
import java.util.function.IntFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The feature values the server takes: finite and within ±refinevad.features.max-abs (1e6 by default). Features
 * from real encoders are L2-normalised or bounded, far inside that; far outside it the model's float32 arithmetic
 * overflows (from about 1.8e19 every score of the clip is NaN), so such values are refused, not scored.
 */
@Singleton
public class FeatureRange {
    private final float maxAbs;

    public FeatureRange(@ConfigProperty(name = "refinevad.features.max-abs", defaultValue = "1e6") float maxAbs) {
        this.maxAbs = maxAbs;
    }

    /**
     * Refuses the first value that is NaN, infinite or beyond ±max-abs with INVALID_ARGUMENT: "FIELD holds VALUE at
     * POSITION; what is allowed", where `position` says where value i of `values` sits in the request.
     */
    public void requireInRange(float[] values, String field, IntFunction<String> position) {
        for (int i = 0; i < values.length; i++) {
            if (!(Math.abs(values[i]) <= maxAbs)) {
                throw GrpcErrors.invalidArgument(field + " holds " + values[i] + " at " + position.apply(i)
                        + "; values must be finite and within ±" + maxAbs + " (refinevad.features.max-abs)");
            }
        }
    }
}
