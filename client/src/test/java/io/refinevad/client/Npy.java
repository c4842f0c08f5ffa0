package io.refinevad.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes float32 .npy files (format 1.0, C order) as NumPy does, for the client's command line to read. */
final class Npy {
    private Npy() {
    }

    static void write(Path file, int[] shape, float[] values) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(String::valueOf).collect(Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ("
                + dims + (shape.length == 1 ? "," : "") + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {  // NumPy pads the header to a multiple of 64 bytes
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer bytes = ByteBuffer.allocate(10 + header.length() + 4 * values.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }
}
