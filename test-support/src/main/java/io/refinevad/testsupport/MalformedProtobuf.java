package io.refinevad.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Bytes that no protobuf message parses from, one of each kind the server must answer with INVALID_ARGUMENT, by
 * what is wrong with them. Empty input is absent on purpose: it is the valid encoding of any message's defaults.
 */
public final class MalformedProtobuf {
    private static final Map<String, byte[]> BY_PROBLEM = new LinkedHashMap<>();

    static {
        BY_PROBLEM.put("truncated varint", new byte[]{0x0a, (byte) 0xff});
        BY_PROBLEM.put("invalid wire type", new byte[]{0x0f, 0x01});
        BY_PROBLEM.put("tag zero", new byte[]{0x00, 0x01});
        BY_PROBLEM.put("unterminated group", new byte[]{0x0b});
    }

    private static final List<String> PROBLEMS = List.copyOf(BY_PROBLEM.keySet());

    private MalformedProtobuf() {
    }

    /** Each kind, named: "truncated varint", "invalid wire type", "tag zero", "unterminated group". */
    public static Map<String, byte[]> byProblem() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        BY_PROBLEM.forEach((problem, bytes) -> copy.put(problem, bytes.clone()));
        return copy;
    }

    /** One kind, picked by the random source. */
    public static byte[] any(Random random) {
        return BY_PROBLEM.get(PROBLEMS.get(random.nextInt(PROBLEMS.size()))).clone();
    }
}
