package io.refinevad.api;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float32 values as the APIs carry them: packed little-endian bytes (Features.data, OIP raw contents). */
public final class Float32Bytes {
    private Float32Bytes() {
    }

    public static ByteString pack(float[] values) {
        return pack(values, 0, values.length);
    }

    public static ByteString pack(float[] values, int offset, int count) {
        ByteBuffer buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values, offset, count);
        return ByteString.copyFrom(buffer);
    }

    /** The caller checks that the size is a multiple of 4 and says what it expected if it is not. */
    public static float[] unpack(ByteString bytes) {
        float[] values = new float[bytes.size() / 4];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
