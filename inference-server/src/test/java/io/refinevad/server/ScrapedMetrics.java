package io.refinevad.server;

import static io.restassured.RestAssured.given;

import io.refinevad.testsupport.PrometheusText;

/** The test server's /q/metrics, read as Prometheus text. */
final class ScrapedMetrics {
    private ScrapedMetrics() {
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of a series in the test server's metrics (see PrometheusText.value). */
    static double value(String series) {
        return PrometheusText.value(scrape(), series);
    }
}
