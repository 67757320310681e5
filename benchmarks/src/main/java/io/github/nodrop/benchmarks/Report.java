package io.github.nodrop.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Renders the results of one harness run as Markdown: one table per scenario, then nodrop's ratios. */
final class Report {

    private Report() {}

    /** A column: its heading, how to read it off a result, and which way is better. */
    record Metric(String heading, ToDoubleFunction<RunResult> value, boolean higherIsBetter, boolean boundedByCap) {}

    static final List<Metric> BROKER_UP = List.of(
            new Metric("caller p50 µs", r -> micros(r.loggedFigure("p50")), false, false),
            new Metric("caller p99 µs", r -> micros(r.loggedFigure("p99")), false, false),
            new Metric("caller p99.9 µs", r -> micros(r.loggedFigure("p999")), false, false),
            new Metric("caller max µs", r -> micros(r.loggedFigure("max")), false, true),
            new Metric("first call ms", r -> r.loggedFigure("firstCall") / 1e6, false, true),
            new Metric("caller bytes/call", Report::bytesPerCall, false, false),
            new Metric("delivered events/s", RunResult::deliveredPerSecond, true, false),
            new Metric("lost", r -> r.lost(), false, false),
            new Metric("peak heap MB", r -> mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> mb(r.doneFigure("peakRss")), false, false),
            new Metric("CPU s", r -> r.doneFigure("cpuNanos") / 1e9, false, false));

    private static final List<Metric> BROKER_DOWN = List.of(
            new Metric("first call ms", r -> r.loggedFigure("firstCall") / 1e6, false, true),
            new Metric("calls completed", r -> r.completedCalls(), true, false),
            new Metric("time for those calls s", Report::callSeconds, false, true),
            new Metric("caller p99.9 µs", r -> micros(r.loggedFigure("p999")), false, false),
            new Metric("caller max µs", r -> micros(r.loggedFigure("max")), false, true),
            new Metric("in topic after broker back", r -> r.distinctFinal(), true, false),
            new Metric("lost", r -> r.lost(), false, false),
            new Metric("peak heap MB", r -> mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> mb(r.doneFigure("peakRss")), false, false));

    private static final List<Metric> STEADY = List.of(
            new Metric("caller p50 µs", r -> micros(r.loggedFigure("p50")), false, false),
            new Metric("caller p99 µs", r -> micros(r.loggedFigure("p99")), false, false),
            new Metric("caller p99.9 µs", r -> micros(r.loggedFigure("p999")), false, false),
            new Metric("caller max µs", r -> micros(r.loggedFigure("max")), false, true),
            new Metric("first call ms", r -> r.loggedFigure("firstCall") / 1e6, false, true),
            new Metric("lost", r -> r.lost(), false, false),
            new Metric("peak heap MB", r -> mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> mb(r.doneFigure("peakRss")), false, false),
            new Metric("CPU s", r -> r.doneFigure("cpuNanos") / 1e9, false, false));

    private static final List<Metric> OUTAGE = List.of(
            new Metric("calls during the outage", r -> r.loggedFigure("outageCalls"), true, false),
            new Metric("outage caller p99.9 µs", r -> micros(r.loggedFigure("outageP999")), false, false),
            new Metric("outage caller max µs", r -> micros(r.loggedFigure("outageMax")), false, true),
            new Metric("whole-run caller max µs", r -> micros(r.loggedFigure("max")), false, true),
            new Metric("calls completed", r -> r.completedCalls(), true, false),
            new Metric("time for those calls s", Report::callSeconds, false, true),
            new Metric("in topic at the end", r -> r.distinctFinal(), true, false),
            new Metric("lost", r -> r.lost(), false, false),
            new Metric("peak heap MB", r -> mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> mb(r.doneFigure("peakRss")), false, false));

    static String scenarioTable(List<RunResult> results) {
        RunResult first = results.get(0);
        List<Metric> metrics = switch (first.scenario()) {
            case BROKER_UP -> BROKER_UP;
            case BROKER_DOWN_AT_START -> BROKER_DOWN;
            case STEADY -> STEADY;
            case OUTAGE_MID_RUN -> OUTAGE;
            case KILL_BROKER_UP, KILL_BROKER_DOWN -> DurableReport.KILL;
        };
        String heading = capitalize(first.scenario().title()) + ", " + threads(first.threads())
                + String.format(Locale.ROOT, ", %,d events", first.events());
        return table(results, heading, metrics, Contender.NODROP, Report::notes);
    }

    /**
     * The burst scenario across thread counts: per contender and thread count, caller p50 and p99.9, delivered
     * events/s and lost, then nodrop's p50 ÷ the floor's and nodrop's p99.9 ÷ each other contender's.
     */
    static String scaling(List<List<RunResult>> tables) {
        StringBuilder md = new StringBuilder("### Scaling: broker up, 1 to ")
                .append(tables.get(tables.size() - 1).get(0).threads())
                .append(" logging threads\n\n");
        md.append("| contender | threads | caller p50 µs | caller p99.9 µs | caller bytes/call | delivered events/s"
                + " | lost |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult first : tables.get(0)) {
            for (List<RunResult> table : tables) {
                for (RunResult r : table) {
                    if (r.contender() == first.contender()) {
                        boolean discards = r.contender().sink() == Contender.Sink.NONE;
                        md.append("| ")
                                .append(r.contender().id())
                                .append(" | ")
                                .append(r.threads())
                                .append(" | ")
                                .append(number(micros(r.loggedFigure("p50"))))
                                .append(" | ")
                                .append(number(micros(r.loggedFigure("p999"))))
                                .append(" | ")
                                .append(number(bytesPerCall(r)))
                                .append(" | ")
                                .append(discards ? "n/a" : number(r.deliveredPerSecond()))
                                .append(" | ")
                                .append(discards ? "n/a" : number(r.lost()))
                                .append(" |\n");
                    }
                }
            }
        }
        md.append("\nnodrop ÷ alternative, per thread count (↓ lower is better):\n\n| threads |");
        List<Contender> others = new ArrayList<>();
        for (RunResult r : tables.get(0)) {
            if (r.contender() != Contender.NODROP) {
                others.add(r.contender());
            }
        }
        others.forEach(c -> md.append(" p50 ÷ ")
                .append(c.id())
                .append(" | p99.9 ÷ ")
                .append(c.id())
                .append(" |"));
        md.append("\n|---:|");
        others.forEach(c -> md.append("---:|---:|"));
        md.append('\n');
        for (List<RunResult> table : tables) {
            RunResult nodrop = table.stream()
                    .filter(r -> r.contender() == Contender.NODROP)
                    .findFirst()
                    .orElse(null);
            if (nodrop == null) {
                continue;
            }
            md.append("| ").append(nodrop.threads()).append(" |");
            for (Contender c : others) {
                RunResult other = table.stream()
                        .filter(r -> r.contender() == c)
                        .findFirst()
                        .orElse(null);
                for (String key : List.of("p50", "p999")) {
                    md.append(' ')
                            .append(other == null ? "" : ratio(nodrop.loggedFigure(key), other.loggedFigure(key)))
                            .append(" |");
                }
            }
            md.append('\n');
        }
        md.append('\n');
        return md.toString();
    }

    /**
     * One scenario's table under {@code ### heading}: a row per contender, the notes under it, then {@code
     * base} ÷ each other contender for every column.
     */
    static String table(
            List<RunResult> results,
            String heading,
            List<Metric> metrics,
            Contender base,
            Function<RunResult, String> notes) {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(heading).append("\n\n");
        md.append("| contender |");
        metrics.forEach(m -> md.append(' ').append(m.heading()).append(" |"));
        md.append("\n|---|");
        metrics.forEach(m -> md.append("---:|"));
        md.append('\n');
        for (RunResult result : results) {
            md.append("| ").append(result.contender().id()).append(" |");
            for (Metric metric : metrics) {
                md.append(' ')
                        .append(bounded(metric, result) ? "≥ " : "")
                        .append(number(metric.value().applyAsDouble(result)))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (RunResult result : results) {
            md.append("- ")
                    .append(result.contender().id())
                    .append(": ")
                    .append(notes.apply(result))
                    .append('\n');
        }
        RunResult nodrop =
                results.stream().filter(r -> r.contender() == base).findFirst().orElse(null);
        List<RunResult> others = new ArrayList<>(results);
        others.remove(nodrop);
        if (nodrop != null && !others.isEmpty()) {
            md.append("\n")
                    .append(base.id())
                    .append(" ÷ alternative (↓ lower is better, ↑ higher is better; below 1 is ")
                    .append(base.id())
                    .append(" ahead on ↓ rows, above 1 on ↑ rows):\n\n");
            md.append("| metric |");
            others.forEach(o -> md.append(" ÷ ").append(o.contender().id()).append(" |"));
            md.append("\n|---|");
            others.forEach(o -> md.append("---:|"));
            md.append('\n');
            for (Metric metric : metrics) {
                md.append("| ")
                        .append(metric.heading())
                        .append(metric.higherIsBetter() ? " ↑" : " ↓")
                        .append(" |");
                double mine = metric.value().applyAsDouble(nodrop);
                for (RunResult other : others) {
                    String prefix = bounded(metric, other) ? "≤ " : bounded(metric, nodrop) ? "≥ " : "";
                    md.append(' ')
                            .append(prefix)
                            .append(ratio(mine, metric.value().applyAsDouble(other)))
                            .append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
        return md.toString();
    }

    /** Whether the figure is only a lower bound: a call was still blocked when the time cap hit. */
    private static boolean bounded(Metric metric, RunResult result) {
        return metric.boundedByCap() && result.loggedFigure("stuck") > 0;
    }

    /** "1 logging thread", "4 logging threads". */
    static String threads(int threads) {
        return threads + (threads == 1 ? " logging thread" : " logging threads");
    }

    static String notes(RunResult r) {
        List<String> notes = new ArrayList<>();
        if (r.contender().sink() == Contender.Sink.NONE) {
            notes.add(String.format(
                    Locale.ROOT,
                    "discards every event (the floor); %,d calls returned; delivered and lost do not apply",
                    r.completedCalls()));
        } else if (r.contender().sink() == Contender.Sink.FILE) {
            notes.add(String.format(Locale.ROOT, "%,d of %,d events reached the file", r.distinctFinal(), r.events()));
        } else {
            notes.add(String.format(
                    Locale.ROOT,
                    "%,d distinct events in the topic after the contender stopped, %,d calls returned"
                            + " (%,d in the topic when the delivery wait ended%s)",
                    r.distinctFinal(),
                    r.completedCalls(),
                    r.distinctAtEnd(),
                    r.complete() ? ", all" : ", no new event for the settle time"));
        }
        if (r.duplicates() > 0) {
            notes.add(String.format(Locale.ROOT, "%,d duplicates", r.duplicates()));
        }
        if (r.completedCalls() < r.events()) {
            notes.add(String.format(
                    Locale.ROOT,
                    "only %,d of %,d calls returned before the time cap; one call had been blocked for %.1f s"
                            + " when the cap hit (≥ figures are lower bounds)",
                    r.completedCalls(),
                    r.events(),
                    r.loggedFigure("stuck") / 1e9));
        }
        if (r.hasDone("before.acked")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "counters before stop: acked %,d, spooled overflow %,d, spooled failed %,d, replayed %,d,"
                            + " dropped %,d; at stop: spooled for the next start %,d",
                    r.doneFigure("before.acked"),
                    r.doneFigure("before.spooledOverflow"),
                    r.doneFigure("before.spooledFailed"),
                    r.doneFigure("before.replayed"),
                    r.doneFigure("before.dropped"),
                    r.doneFigure("after.spooledShutdown")));
        }
        if (r.fallbackEvents() >= 0) {
            notes.add(String.format(Locale.ROOT, "%,d events in its fallback file", r.fallbackEvents()));
        }
        if (r.hasDone("asyncDropped")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "%,d events dropped by the asynchronous appender (ring buffer full)",
                    r.doneFigure("asyncDropped")));
        }
        notes.add(String.format(
                Locale.ROOT,
                "calls took %.2f s in all; stop took %d ms; %d GCs, %d ms; live heap after GC peaked at %.1f MB",
                callSeconds(r),
                r.doneFigure("stopMillis"),
                r.doneFigure("gcCount"),
                r.doneFigure("gcMillis"),
                mb(r.doneFigure("peakHeapAfterGc"))));
        if (r.problem() != null) {
            notes.add("**" + r.problem() + "**");
        }
        return String.join("; ", notes);
    }

    static double callSeconds(RunResult r) {
        long start = r.loggedFigure("startNanos");
        long end = r.loggedFigure("endNanos");
        return end > start && start > 0 ? (end - start) / 1e9 : 0;
    }

    static String number(double value) {
        double abs = Math.abs(value);
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double mine, double theirs) {
        if (mine == theirs) {
            return "1.00";
        }
        if (theirs == 0) {
            return "n/a (" + number(mine) + " vs 0)";
        }
        double ratio = mine / theirs;
        if (ratio > 0 && ratio < 0.01) {
            return String.format(Locale.ROOT, "1/%,.0f", 1 / ratio);
        }
        return ratio >= 100 ? String.format(Locale.ROOT, "%,.0f", ratio) : String.format(Locale.ROOT, "%.2f", ratio);
    }

    /** Bytes the logging threads allocated inside their calls, per call returned (0 where not measured). */
    static double bytesPerCall(RunResult r) {
        long bytes = r.loggedFigure("callBytes");
        return bytes < 0 || r.completedCalls() == 0 ? 0 : (double) bytes / r.completedCalls();
    }

    static double micros(long nanos) {
        return nanos / 1e3;
    }

    static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
