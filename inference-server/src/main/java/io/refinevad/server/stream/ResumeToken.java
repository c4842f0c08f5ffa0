package io.refinevad.server.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret that proves a new call is the camera that opened a stream: 128 random bits from SecureRandom, sent once
 * in StreamOpened. It is never logged; it is compared in constant time, so that a squatter cannot learn it by timing
 * its guesses.
 */
final class ResumeToken {
    private static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResumeToken() {
    }

    static String fresh() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Constant time in the content: MessageDigest.isEqual compares every byte whatever the first difference. */
    static boolean matches(String token, String offered) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
    }
}
