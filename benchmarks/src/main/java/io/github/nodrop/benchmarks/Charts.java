package io.github.nodrop.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG charts of one harness run, drawn with XChart: caller-latency percentiles and delivered events/s. */
final class Charts {

    private Charts() {}

    /**
     * Caller latency at p50, p99, p99.9 and max for each contender of one table, on a log scale. Returns the
     * file written.
     */
    static Path latency(List<RunResult> table, Path file, String title) throws IOException {
        CategoryChart chart = chart(title, "percentile of one logger.info call", "nanoseconds (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        List<String> percentiles = List.of("p50", "p99", "p99.9", "max");
        long smallest = Long.MAX_VALUE;
        for (RunResult result : table) {
            smallest = Math.min(smallest, Math.max(1, result.loggedFigure("p50")));
        }
        // bars on a log axis need an explicit floor below the smallest bar, or XChart refuses the data
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
        for (RunResult result : table) {
            List<Double> values = new ArrayList<>();
            for (String key : List.of("p50", "p99", "p999", "max")) {
                values.add((double) Math.max(1, result.loggedFigure(key)));
            }
            chart.addSeries(result.contender().id(), percentiles, values);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Delivered events/s of each contender, one group per table (thread count). */
    static Path delivered(List<List<RunResult>> tables, Path file, String title) throws IOException {
        CategoryChart chart = chart(title, "logging threads", "delivered events/s (every event counted in the topic)");
        List<String> groups = new ArrayList<>();
        for (List<RunResult> table : tables) {
            groups.add(table.get(0).threads() + (table.get(0).threads() == 1 ? " thread" : " threads"));
        }
        for (RunResult first : tables.get(0)) {
            if (first.contender().sink() != Contender.Sink.TOPIC) {
                continue; // the file floor loses most events: a rate without them would mislead
            }
            List<Double> values = new ArrayList<>();
            for (List<RunResult> table : tables) {
                values.add(table.stream()
                        .filter(r -> r.contender() == first.contender())
                        .mapToDouble(RunResult::deliveredPerSecond)
                        .findFirst()
                        .orElse(0));
            }
            chart.addSeries(first.contender().id(), groups, values);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /**
     * One caller-latency percentile ({@code key}: p50, p999) of each contender against the number of logging
     * threads, one group per burst table, on a log scale.
     */
    static Path scaling(List<List<RunResult>> tables, String key, Path file, String title) throws IOException {
        CategoryChart chart = chart(title, "logging threads", "nanoseconds (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        List<String> groups = new ArrayList<>();
        long smallest = Long.MAX_VALUE;
        for (List<RunResult> table : tables) {
            groups.add(String.valueOf(table.get(0).threads()));
            for (RunResult result : table) {
                smallest = Math.min(smallest, Math.max(1, result.loggedFigure(key)));
            }
        }
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
        for (RunResult first : tables.get(0)) {
            List<Double> values = new ArrayList<>();
            for (List<RunResult> table : tables) {
                values.add((double) Math.max(
                        1,
                        table.stream()
                                .filter(r -> r.contender() == first.contender())
                                .mapToLong(r -> r.loggedFigure(key))
                                .findFirst()
                                .orElse(1)));
            }
            chart.addSeries(first.contender().id(), groups, values);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** One bar per label, with its value printed on it: the transformer race's records/s or peak RSS. */
    static Path bars(String title, String series, String yAxis, List<String> labels, List<Double> values, Path file)
            throws IOException {
        CategoryChart chart = chart(title, "", yAxis);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(java.awt.Color.BLACK);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setDecimalPattern("#,###");
        chart.addSeries(series, labels, values);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static CategoryChart chart(String title, String xAxis, String yAxis) {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(480)
                .title(title)
                .xAxisTitle(xAxis)
                .yAxisTitle(yAxis)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setLabelsVisible(false);
        return chart;
    }
}
