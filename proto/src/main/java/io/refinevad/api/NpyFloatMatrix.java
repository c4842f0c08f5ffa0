package io.refinevad.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A little-endian float32 array read from a NumPy .npy file: how features and golden vectors travel between the
 * Python model tools and Java. Only what the project writes is accepted (dtype &lt;f4, C order); anything else is
 * refused with a message that says what the file holds.
 */
public record NpyFloatMatrix(int[] shape, float[] values) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static NpyFloatMatrix read(Path path) throws IOException {
        return parse(Files.readAllBytes(path), path.toString());
    }

    public static NpyFloatMatrix parse(byte[] bytes, String source) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(source + ": not a .npy file");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort(8)) : buffer.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        String dtype = group(DESCR, header, source);
        if (!dtype.equals("<f4")) {
            throw new IOException(source + ": dtype " + dtype + ", expected float32 (<f4)");
        }
        if (group(ORDER, header, source).equals("True")) {
            throw new IOException(source + ": Fortran order, expected C order");
        }
        int[] shape = Arrays.stream(group(SHAPE, header, source).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        int dataStart = headerStart + headerLength;
        if (bytes.length - dataStart != 4L * count) {
            throw new IOException(source + ": " + (bytes.length - dataStart) + " data bytes, expected " + 4L * count
                    + " for shape " + Arrays.toString(shape));
        }
        float[] values = new float[count];
        buffer.position(dataStart);
        buffer.asFloatBuffer().get(values);
        return new NpyFloatMatrix(shape, values);
    }

    private static String group(Pattern pattern, String header, String source) throws IOException {
        Matcher matcher = pattern.matcher(header);
        if (!matcher.find()) {
            throw new IOException(source + ": .npy header lacks " + pattern.pattern());
        }
        return matcher.group(1);
    }
}
