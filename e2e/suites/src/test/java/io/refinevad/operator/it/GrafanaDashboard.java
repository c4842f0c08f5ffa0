package io.refinevad.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's Grafana dashboard as the tests read it: its panels in order, each with its place on Grafana's grid
 * (24 columns; rows of grid units), its unit and its queries. The queries are filled in as Grafana would send them
 * with the namespace variable set to one namespace.
 */
record GrafanaDashboard(List<Panel> panels) {

    /** Grafana fills $__rate_interval with at least four scrape intervals; the tests scrape every 2 s. */
    private static final String RATE_INTERVAL = "1m";
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A panel: a row (a section title) or a chart. x, y, width and height in grid units. */
    record Panel(String type, String title, int x, int y, int width, int height, String unit, List<Target> targets) {
        boolean isRow() {
            return "row".equals(type);
        }

        boolean isTimeseries() {
            return "timeseries".equals(type);
        }
    }

    /** One query of a panel and the legend format that names each of its series. */
    record Target(String expr, String legendFormat) {

        /** The query with Grafana's variables filled: the rate interval, and the namespace. */
        String query(String namespace) {
            return expr.replace("$__rate_interval", RATE_INTERVAL).replace("$namespace", namespace);
        }

        /** A series' name as Grafana's legend shows it: each {{label}} replaced; all labels if there is no format. */
        String legend(JsonNode metric) {
            if (legendFormat.isBlank()) {
                Map<String, String> labels = new TreeMap<>();
                metric.properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
                return labels.toString();
            }
            Matcher label = LEGEND_LABEL.matcher(legendFormat);
            return label.replaceAll(match -> Matcher.quoteReplacement(metric.path(match.group(1)).asText()));
        }
    }

    static GrafanaDashboard parse(String json) throws IOException {
        List<Panel> panels = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(json).path("panels")) {
            List<Target> targets = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                targets.add(new Target(target.path("expr").asText(), target.path("legendFormat").asText()));
            }
            JsonNode grid = panel.path("gridPos");
            panels.add(new Panel(panel.path("type").asText(), panel.path("title").asText(), grid.path("x").asInt(),
                    grid.path("y").asInt(), grid.path("w").asInt(), grid.path("h").asInt(),
                    panel.path("fieldConfig").path("defaults").path("unit").asText(), List.copyOf(targets)));
        }
        return new GrafanaDashboard(List.copyOf(panels));
    }

    /** Every panel's queries, filled for `namespace`. */
    List<String> queries(String namespace) {
        List<String> queries = new ArrayList<>();
        for (Panel panel : panels) {
            for (Target target : panel.targets()) {
                queries.add(target.query(namespace));
            }
        }
        return queries;
    }
}
