package io.refinevad.server.features;

import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.Features;
import io.refinevad.server.errors.GrpcErrors;

/**
 * Turns a request's packed features into floats, or fails with INVALID_ARGUMENT naming the field, the value and
 * what is allowed. Nothing about a bad message reaches the engine. Counts are uint32 on the wire and are read and
 * printed as such.
 */
public final class FeatureDecoder {
    private final int featureDim;
    private final int maxSegments;
    private final FeatureRange range;

    public FeatureDecoder(int featureDim, int maxSegments, FeatureRange range) {
        this.featureDim = featureDim;
        this.maxSegments = maxSegments;
        this.range = range;
    }

    public float[] decode(Features features, String field) {
        if (features.getFeatureDim() != featureDim) {
            throw GrpcErrors.invalidArgument(field + ".feature_dim is "
                    + Integer.toUnsignedString(features.getFeatureDim()) + "; this model takes " + featureDim);
        }
        long segments = Integer.toUnsignedLong(features.getSegments());
        if (segments < 1 || segments > maxSegments) {
            throw GrpcErrors.invalidArgument(field + ".segments is " + segments + "; allowed: 1 to " + maxSegments);
        }
        long expected = 4L * segments * featureDim;
        if (features.getData().size() != expected) {
            throw GrpcErrors.invalidArgument(field + ".data has " + features.getData().size()
                    + " bytes; expected segments x feature_dim x 4 = " + segments + " x " + featureDim + " x 4 = "
                    + expected + " (little-endian float32)");
        }
        float[] values = Float32Bytes.unpack(features.getData());
        range.requireInRange(values, field + ".data", i -> "segment " + i / featureDim + ", feature " + i % featureDim);
        return values;
    }
}
