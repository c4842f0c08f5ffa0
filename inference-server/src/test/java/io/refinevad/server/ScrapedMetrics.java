package io.refinevad.server;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The test server's /q/metrics, read as Prometheus text. */
final class ScrapedMetrics {
    private ScrapedMetrics() {
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of a series, named with its labels or without them (then the first series of that name). */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in /q/metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    static double value(String series) {
        return value(scrape(), series);
    }
}
