package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.operator.it.TimeseriesChart.Window;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The chart's dashboard drawn from made-up range results (MonitoringIT draws it from a real Prometheus): the
 * queries asked are the panels' own with the variables filled, the SVG is well-formed, and each panel shows its
 * title, its series named by the legend format (label values escaped) and only the points it can draw.
 */
class DashboardPictureTest {

    private static final Path CHART_DASHBOARD = Path.of("../../helm/refinevad-operator/dashboards/refinevad.json");
    private static final Instant START = Instant.parse("2026-12-02T18:00:00Z");
    private static final Window WINDOW = new Window(START, START.plusSeconds(300), Duration.ofSeconds(2));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyPanelIsDrawnFromItsOwnQueriesWithItsLegendNames(@TempDir Path folder) throws Exception {
        GrafanaDashboard dashboard = GrafanaDashboard.parse(Files.readString(CHART_DASHBOARD));
        Map<String, Window> asked = new ConcurrentHashMap<>();
        Path file = folder.resolve("dashboard.svg");

        List<DashboardPicture.DrawnPanel> drawn = DashboardPicture.write(dashboard, "cams", (promql, window) -> {
            asked.put(promql, window);
            return promql.contains("refinevad_queue_depth") ? List.of()
                    : List.of(series("{\"namespace\":\"cams\",\"detector\":\"a<b&c\",\"pod\":\"p\",\"reason\":\"full\","
                    + "\"phase\":\"start\",\"sink\":\"webhook\",\"outcome\":\"success\",\"direction\":\"up\","
                    + "\"detector_namespace\":\"cams\"}", "[[" + START.getEpochSecond() + ",\"0.5\"],["
                    + (START.getEpochSecond() + 2) + ",\"NaN\"],[" + (START.getEpochSecond() + 4) + ",\"+Inf\"],["
                    + (START.getEpochSecond() + 6) + ",\"0.25\"],[" + (START.getEpochSecond() + 8) + ",\"0.75\"]]"));
        }, WINDOW, file);

        assertThat(asked.keySet()).containsExactlyInAnyOrderElementsOf(dashboard.queries("cams"))
                .allSatisfy(query -> assertThat(query).doesNotContain("$"))
                .anySatisfy(query -> assertThat(query).contains("namespace=~\"cams\"", "[1m]"));
        assertThat(asked.values()).containsOnly(WINDOW);
        assertThat(drawn).extracting(DashboardPicture.DrawnPanel::title).contains("Streams open", "Queue depth",
                "Scale decisions").hasSize(13);
        assertThat(drawn).filteredOn(panel -> panel.title().equals("Queue depth"))
                .extracting(DashboardPicture.DrawnPanel::seriesWithPoints).containsExactly(0);
        assertThat(drawn).filteredOn(panel -> panel.title().equals("Streams open"))
                .extracting(DashboardPicture.DrawnPanel::seriesWithPoints).containsExactly(2);

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(file)));
        List<String> texts = texts(svg.getElementsByTagName("text"));
        assertThat(texts).contains("Scoring", "Anomaly events", "Operator", "Streams open", "No data",
                "cams/a<b&c open", "cams/a<b&c capacity", "success", "18:00", "18:05");
        assertThat(texts).anySatisfy(text -> assertThat(text).endsWith(" ms"))
                .anySatisfy(text -> assertThat(text).endsWith(" req/s"))
                .anySatisfy(text -> assertThat(text).endsWith("/s"));
        // The NaN and +Inf points break each line in two: a dot for the first point, a line for the last two.
        NodeList paths = svg.getElementsByTagName("path");
        assertThat(paths.getLength()).isEqualTo(drawn.stream().mapToInt(DashboardPicture.DrawnPanel::seriesWithPoints)
                .sum());
        assertThat(paths.item(0).getAttributes().getNamedItem("d").getNodeValue()).matches("M[\\d. ]+L[\\d. ]+");
        assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(paths.getLength());
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("a&lt;b&amp;c");
    }

    private static JsonNode series(String metric, String values) throws IOException {
        return JSON.readTree("{\"metric\":" + metric + ",\"values\":" + values + "}");
    }

    private static List<String> texts(NodeList elements) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < elements.getLength(); i++) {
            texts.add(elements.item(i).getTextContent());
        }
        return texts;
    }
}
