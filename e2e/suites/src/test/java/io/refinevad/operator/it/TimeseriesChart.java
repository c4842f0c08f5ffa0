package io.refinevad.operator.it;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One timeseries panel drawn into a box of an SVG document, as Grafana shows it in essence: its title, a value axis
 * from zero with a few round ticks in the panel's unit, a time axis in UTC, one line per series (broken where the
 * series has no point), and a legend naming each line.
 */
final class TimeseriesChart {

    /** The time range drawn and the spacing of its points (the range query's step). */
    record Window(Instant start, Instant end, Duration step) {
    }

    record Sample(long epochSecond, double value) {
    }

    /** One line: its legend name and its finite samples in time order. */
    record Series(String name, List<Sample> samples) {
    }

    record Box(double x, double y, double width, double height) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};
    private static final long[] TIME_STEPS = {5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final int VALUE_TICKS = 4;
    private static final int TIME_TICKS = 6;
    private static final int LEGEND_LINE = 14;
    private static final int LEGEND_ROWS = 3;
    /** Roughly the width of a character of the 11 px sans-serif font, to shorten legend names that would not fit. */
    private static final double CHARACTER_WIDTH = 6.2;

    private final SvgDocument svg;
    private final Window window;
    private final double left;
    private final double right;
    private final double top;
    private final double bottom;

    private TimeseriesChart(SvgDocument svg, Window window, double left, double right, double top, double bottom) {
        this.svg = svg;
        this.window = window;
        this.left = left;
        this.right = right;
        this.top = top;
        this.bottom = bottom;
    }

    static void draw(SvgDocument svg, Box box, String title, String unit, List<Series> series, Window window) {
        svg.group("class", "panel");
        svg.element("rect", "x", box.x(), "y", box.y(), "width", box.width(), "height", box.height(), "rx", 3,
                "fill", "#fafafa", "stroke", "#c8c8c8");
        svg.text("text", title, "x", box.x() + 10, "y", box.y() + 18, "font-size", 13, "font-weight", "bold");
        Legend legend = Legend.of(series.size());
        double legendTop = box.y() + box.height() - 6 - legend.rows() * LEGEND_LINE;
        TimeseriesChart chart = new TimeseriesChart(svg, window, box.x() + 72, box.x() + box.width() - 16,
                box.y() + 30, legendTop - 22);
        chart.timeAxis();
        if (series.isEmpty()) {
            chart.frame();
            svg.text("text", "No data", "x", (chart.left + chart.right) / 2, "y", (chart.top + chart.bottom) / 2,
                    "text-anchor", "middle", "fill", "#888");
        } else {
            ValueAxis axis = ValueAxis.of(unit, series);
            chart.valueAxis(axis);
            chart.frame();
            for (int i = 0; i < series.size(); i++) {
                chart.line(series.get(i), axis, COLOURS[i % COLOURS.length]);
            }
            legend.draw(svg, series, box, legendTop);
        }
        svg.close();
    }

    private void frame() {
        svg.element("rect", "x", left, "y", top, "width", right - left, "height", bottom - top, "fill", "none",
                "stroke", "#888");
    }

    private void timeAxis() {
        long start = window.start().getEpochSecond();
        long end = window.end().getEpochSecond();
        long step = TIME_STEPS[TIME_STEPS.length - 1];
        for (long candidate : TIME_STEPS) {
            if ((end - start) / candidate <= TIME_TICKS) {
                step = candidate;
                break;
            }
        }
        DateTimeFormatter format = step < 60 ? SECONDS : MINUTES;
        for (long tick = (start + step - 1) / step * step; tick <= end; tick += step) {
            double x = x(tick);
            svg.element("line", "x1", x, "x2", x, "y1", top, "y2", bottom, "stroke", "#e4e4e4");
            svg.text("text", format.format(Instant.ofEpochSecond(tick)), "x", x, "y", bottom + 14, "text-anchor",
                    "middle", "font-size", 10, "fill", "#444");
        }
    }

    private void valueAxis(ValueAxis axis) {
        for (double tick = axis.low(); tick <= axis.high() + axis.step() / 2; tick += axis.step()) {
            double y = y(tick, axis);
            svg.element("line", "x1", left, "x2", right, "y1", y, "y2", y, "stroke", "#e4e4e4");
            svg.text("text", axis.label(tick), "x", left - 6, "y", y + 3.5, "text-anchor", "end", "font-size", 10,
                    "fill", "#444");
        }
    }

    /** The series as runs of consecutive points: a missing step ends a run; a run of one point is a dot. */
    private void line(Series series, ValueAxis axis, String colour) {
        svg.group("class", "series", "stroke", colour, "fill", colour);
        svg.text("title", series.name());
        StringBuilder path = new StringBuilder();
        List<Sample> samples = series.samples();
        long gap = window.step().toSeconds() * 3 / 2;
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            boolean startsRun = i == 0 || sample.epochSecond() - samples.get(i - 1).epochSecond() > gap;
            boolean endsRun = i == samples.size() - 1 || samples.get(i + 1).epochSecond() - sample.epochSecond() > gap;
            double x = x(sample.epochSecond());
            double y = y(sample.value(), axis);
            if (startsRun && endsRun) {
                svg.element("circle", "cx", x, "cy", y, "r", 1.8, "stroke", "none");
            } else {
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f ", startsRun ? "M" : "L", x, y));
            }
        }
        if (!path.isEmpty()) {
            svg.element("path", "d", path.toString().strip(), "fill", "none", "stroke-width", 1.6,
                    "stroke-linejoin", "round");
        }
        svg.close();
    }

    private double x(long epochSecond) {
        double start = window.start().getEpochSecond();
        double span = Math.max(1, window.end().getEpochSecond() - start);
        return left + (epochSecond - start) * (right - left) / span;
    }

    private double y(double value, ValueAxis axis) {
        return bottom - (value - axis.low()) * (bottom - top) / (axis.high() - axis.low());
    }

    /** Names under the plot: one column for up to three series, else two; what does not fit is counted. */
    private record Legend(int columns, int rows) {

        static Legend of(int entries) {
            int columns = entries <= LEGEND_ROWS ? 1 : 2;
            return new Legend(columns, Math.max(1, Math.min(LEGEND_ROWS, (entries + columns - 1) / columns)));
        }

        void draw(SvgDocument svg, List<Series> series, Box box, double legendTop) {
            int capacity = columns * rows;
            boolean overflows = series.size() > capacity;
            int shown = overflows ? capacity - 1 : series.size();
            double columnWidth = (box.width() - 20) / columns;
            int characters = (int) ((columnWidth - 30) / CHARACTER_WIDTH);
            for (int slot = 0; slot < shown; slot++) {
                String colour = COLOURS[slot % COLOURS.length];
                String name = series.get(slot).name();
                svg.element("line", "x1", x(box, slot, columnWidth), "x2", x(box, slot, columnWidth) + 18,
                        "y1", y(legendTop, slot) - 4, "y2", y(legendTop, slot) - 4, "stroke", colour,
                        "stroke-width", 2.5);
                svg.text("text", name.length() <= characters ? name : name.substring(0, characters - 1) + "\u2026",
                        "x", x(box, slot, columnWidth) + 24, "y", y(legendTop, slot));
            }
            if (overflows) {
                svg.text("text", "+" + (series.size() - shown) + " more series", "x", x(box, shown, columnWidth),
                        "y", y(legendTop, shown), "fill", "#666");
            }
        }

        private double x(Box box, int slot, double columnWidth) {
            return box.x() + 10 + (slot / rows) * columnWidth;
        }

        private double y(double legendTop, int slot) {
            return legendTop + (slot % rows) * LEGEND_LINE + 10;
        }
    }

    /**
     * A value axis from zero (or below, for negative values) to a round number above the highest value, with a
     * step of 1, 2 or 5 times a power of ten, its labels in the panel's unit: seconds scaled to ms or µs where
     * small, rates per second.
     */
    private record ValueAxis(double low, double high, double step, double factor, String suffix) {

        static ValueAxis of(String unit, List<Series> series) {
            double lowest = 0;
            double highest = 0;
            for (Series line : series) {
                for (Sample sample : line.samples()) {
                    lowest = Math.min(lowest, sample.value());
                    highest = Math.max(highest, sample.value());
                }
            }
            if (highest - lowest <= 0) {
                highest = lowest + 1;
            }
            double step = roundStep((highest - lowest) / VALUE_TICKS);
            double low = Math.floor(lowest / step) * step;
            double high = Math.ceil(highest / step - 1e-9) * step;
            return switch (unit) {
                case "s" -> high >= 1 ? new ValueAxis(low, high, step, 1, " s")
                        : high >= 1e-3 ? new ValueAxis(low, high, step, 1e3, " ms")
                        : new ValueAxis(low, high, step, 1e6, " \u00b5s");
                case "ops" -> new ValueAxis(low, high, step, 1, "/s");
                case "reqps" -> new ValueAxis(low, high, step, 1, " req/s");
                default -> new ValueAxis(low, high, step, 1, "");
            };
        }

        static double roundStep(double atLeast) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(atLeast)));
            for (double multiple : new double[]{1, 2, 5}) {
                if (multiple * magnitude >= atLeast * (1 - 1e-9)) {
                    return multiple * magnitude;
                }
            }
            return 10 * magnitude;
        }

        /** The value in the axis' unit, with as many decimals as the step needs. */
        String label(double value) {
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step * factor) - 1e-9));
            double scaled = Math.abs(value) < step / 2 ? 0 : value * factor;
            return String.format(Locale.ROOT, "%." + decimals + "f%s", scaled, suffix);
        }
    }
}
