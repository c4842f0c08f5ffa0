package io.refinevad.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.refinevad.operator.it.GrafanaDashboard.Panel;
import io.refinevad.operator.it.GrafanaDashboard.Target;
import io.refinevad.operator.it.TimeseriesChart.Box;
import io.refinevad.operator.it.TimeseriesChart.Sample;
import io.refinevad.operator.it.TimeseriesChart.Series;
import io.refinevad.operator.it.TimeseriesChart.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard as a picture without Grafana: each timeseries panel's queries asked of Prometheus over a time
 * window (query_range, the variables filled as for the instant queries), drawn where the dashboard's grid puts the
 * panel, under the titles of its rows. One SVG file, readable in a browser or a document.
 */
final class DashboardPicture {

    /** A range query: the series (each with "metric" and "values") of one PromQL expression over the window. */
    interface RangeQuery {
        List<JsonNode> series(String promql, Window window) throws IOException, InterruptedException;
    }

    /** A timeseries panel as drawn: its title and how many of its series had at least one point to draw. */
    record DrawnPanel(String title, int seriesWithPoints) {
    }

    static final int WIDTH = 1200;
    /** Grafana's grid: 24 columns across, panel heights in rows of this many pixels. */
    private static final double COLUMN = WIDTH / 24.0;
    private static final int GRID_ROW = 32;
    private static final int HEADER = 58;
    private static final int GAP = 8;
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private DashboardPicture() {
    }

    /** Draws every panel of `dashboard` for `namespace` over `window` into `file`; returns the timeseries panels. */
    static List<DrawnPanel> write(GrafanaDashboard dashboard, String namespace, RangeQuery prometheus,
            Window window, Path file) throws IOException, InterruptedException {
        int gridRows = dashboard.panels().stream().mapToInt(panel -> panel.y() + panel.height()).max().orElse(0);
        SvgDocument svg = new SvgDocument(WIDTH, HEADER + gridRows * GRID_ROW + GAP);
        svg.text("text", "RefineVAD dashboard \u00b7 namespace " + namespace, "x", GAP, "y", 24, "font-size", 18,
                "font-weight", "bold");
        svg.text("text", String.format(Locale.ROOT, "%s to %s UTC, a point every %d s. Each panel drawn from the"
                + " dashboard's own queries, answered by Prometheus (query_range).",
                DAY_AND_TIME.format(window.start()), TIME.format(window.end()), window.step().toSeconds()),
                "x", GAP, "y", 44, "fill", "#444");
        List<DrawnPanel> drawn = new ArrayList<>();
        for (Panel panel : dashboard.panels()) {
            Box box = new Box(panel.x() * COLUMN + GAP / 2.0, HEADER + panel.y() * GRID_ROW + GAP / 2.0,
                    panel.width() * COLUMN - GAP, panel.height() * GRID_ROW - GAP);
            if (panel.isRow()) {
                svg.text("text", panel.title(), "x", box.x() + 2, "y", box.y() + 18, "font-size", 15,
                        "font-weight", "bold");
                svg.element("line", "x1", box.x(), "x2", box.x() + box.width(), "y1", box.y() + box.height(),
                        "y2", box.y() + box.height(), "stroke", "#999");
            } else if (panel.isTimeseries()) {
                List<Series> series = series(panel, namespace, prometheus, window);
                TimeseriesChart.draw(svg, box, panel.title(), panel.unit(), series, window);
                drawn.add(new DrawnPanel(panel.title(), series.size()));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg.finish());
        return drawn;
    }

    /** The panel's series that have at least one finite point, named by their target's legend format. */
    private static List<Series> series(Panel panel, String namespace, RangeQuery prometheus, Window window)
            throws IOException, InterruptedException {
        List<Series> series = new ArrayList<>();
        for (Target target : panel.targets()) {
            for (JsonNode result : prometheus.series(target.query(namespace), window)) {
                List<Sample> samples = new ArrayList<>();
                for (JsonNode point : result.path("values")) {
                    double value = value(point.get(1).asText());
                    if (Double.isFinite(value)) {
                        samples.add(new Sample(point.get(0).asLong(), value));
                    }
                }
                if (!samples.isEmpty()) {
                    series.add(new Series(target.legend(result.path("metric")), List.copyOf(samples)));
                }
            }
        }
        return series;
    }

    /** Prometheus writes infinities as +Inf and -Inf, which Java does not parse; neither can be drawn. */
    private static double value(String text) {
        return text.endsWith("Inf") ? Double.NaN : Double.parseDouble(text);
    }
}
