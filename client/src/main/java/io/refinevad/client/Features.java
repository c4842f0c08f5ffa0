package io.refinevad.client;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Packs rows of a row-major [segments, dim] float matrix into the API's little-endian bytes. */
public final class Features {
    private Features() {
    }

    public static io.refinevad.api.v1.Features rows(float[] matrix, int dim, int from, int to) {
        ByteBuffer buffer = ByteBuffer.allocate((to - from) * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(matrix, from * dim, (to - from) * dim);
        return io.refinevad.api.v1.Features.newBuilder()
                .setSegments(to - from)
                .setFeatureDim(dim)
                .setData(ByteString.copyFrom(buffer))
                .build();
    }
}
