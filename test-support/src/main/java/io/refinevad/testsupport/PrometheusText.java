package io.refinevad.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of a Prometheus text exposition, as a server's /q/metrics answers it. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The value of a series, named with its labels or without them (then the first series of that name); an
     * AssertionError if there is none. NaN is a value (a gauge whose object is gone answers it), so that a test
     * says "was NaN" rather than "no series".
     */
    public static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$")
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in the metrics");
        }
        return Double.parseDouble(m.group(1));
    }
}
