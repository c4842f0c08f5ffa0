package io.refinevad.server.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Native-order direct float buffers reused across engine calls, grown only when a larger batch arrives. */
final class DirectFloats {
    private DirectFloats() {
    }

    static FloatBuffer allocate(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** `values` in `buffer`, or in a new buffer if they do not fit; positioned at 0 with the limit at their end. */
    static FloatBuffer fill(FloatBuffer buffer, float[] values) {
        FloatBuffer target = buffer.capacity() >= values.length ? buffer : allocate(values.length);
        target.clear();
        target.put(values).flip();
        return target;
    }
}
