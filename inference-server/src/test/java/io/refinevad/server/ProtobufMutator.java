package io.refinevad.server;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Turns a valid protobuf message into what a careless or hostile client may send: flipped bits, bytes set to edge
 * values, truncations, insertions, deletions, duplicated ranges, stray fields of any number and wire type, huge
 * varints, deeply nested groups; one to three of them, or none (so valid requests are in the mix).
 */
final class ProtobufMutator {
    private static final byte[] EDGE_BYTES = {0x00, (byte) 0xff, 0x7f, (byte) 0x80, 0x01, 0x0b, 0x0c};
    private final Random random;

    ProtobufMutator(Random random) {
        this.random = random;
    }

    byte[] mutate(byte[] valid) {
        byte[] bytes = valid;
        int mutations = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            bytes = mutateOnce(bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes) {
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        return switch (random.nextInt(9)) {
            case 0 -> bytes.length == 0 ? bytes : flipBit(bytes, at);
            case 1 -> bytes.length == 0 ? bytes : set(bytes, at, EDGE_BYTES[random.nextInt(EDGE_BYTES.length)]);
            case 2 -> Arrays.copyOf(bytes, at);
            case 3 -> splice(bytes, at, at, randomBytes(1 + random.nextInt(8)));
            case 4 -> splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(16)), new byte[0]);
            case 5 -> splice(bytes, at, at, Arrays.copyOfRange(bytes, at, Math.min(bytes.length,
                    at + 1 + random.nextInt(64))));
            case 6 -> concat(bytes, strayField());
            case 7 -> splice(bytes, at, at, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
            default -> concat(nestedGroups(1 + random.nextInt(200)), bytes);
        };
    }

    /** A field of a random number (1 to 40) and wire type, with a plausible or absurd payload. */
    private byte[] strayField() {
        int wireType = random.nextInt(8);  // 6 and 7 are invalid wire types
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, ((long) (1 + random.nextInt(40)) << 3) | wireType);
        switch (wireType) {
            case 0 -> writeVarint(out, random.nextLong());
            case 1 -> out.writeBytes(randomBytes(8));
            case 2 -> {
                int length = random.nextInt(4) == 0 ? Integer.MAX_VALUE : random.nextInt(32);
                writeVarint(out, length);
                out.writeBytes(randomBytes(Math.min(length, 32)));
            }
            case 5 -> out.writeBytes(randomBytes(4));
            default -> out.writeBytes(randomBytes(random.nextInt(4)));
        }
        return out.toByteArray();
    }

    private static byte[] nestedGroups(int depth) {
        byte[] groups = new byte[depth];
        Arrays.fill(groups, (byte) 0x0b);  // start group, field 1
        return groups;
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] flipBit(byte[] bytes, int at) {
        return set(bytes, at, (byte) (bytes[at] ^ (1 << random.nextInt(8))));
    }

    private static byte[] set(byte[] bytes, int at, byte value) {
        byte[] out = bytes.clone();
        out[at] = value;
        return out;
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        byte[] out = new byte[bytes.length - (to - from) + insert.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, a.length, b);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
