package io.refinevad.client;

import io.refinevad.api.Float32Bytes;

/** Packs rows of a row-major [segments, dim] float matrix into the API's little-endian bytes. */
public final class Features {
    private Features() {
    }

    public static io.refinevad.api.v1.Features rows(float[] matrix, int dim, int from, int to) {
        return io.refinevad.api.v1.Features.newBuilder()
                .setSegments(to - from)
                .setFeatureDim(dim)
                .setData(Float32Bytes.pack(matrix, from * dim, (to - from) * dim))
                .build();
    }
}
