package io.github.nodrop.benchmarks;

import io.github.nodrop.benchmarks.Report.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The durable comparison's Markdown: its columns for the broker-down and kill scenarios, the kill
 * scenario's notes, and the table of goals with met / not met. Ratios are nodrop-durable ÷ the others.
 */
final class DurableReport {

    private DurableReport() {}

    static final List<Metric> DOWN = List.of(
            new Metric("first call ms", r -> r.loggedFigure("firstCall") / 1e6, false, true),
            new Metric("calls completed", r -> r.completedCalls(), true, false),
            new Metric("time for those calls s", Report::callSeconds, false, true),
            new Metric("caller p50 µs", r -> Report.micros(r.loggedFigure("p50")), false, false),
            new Metric("caller p99 µs", r -> Report.micros(r.loggedFigure("p99")), false, false),
            new Metric("caller p99.9 µs", r -> Report.micros(r.loggedFigure("p999")), false, false),
            new Metric("caller max µs", r -> Report.micros(r.loggedFigure("max")), false, true),
            new Metric("delivered events/s", RunResult::deliveredPerSecond, true, false),
            new Metric("in topic after broker back", r -> r.distinctFinal(), true, false),
            new Metric("lost", r -> r.lost(), false, false),
            new Metric("peak heap MB", r -> Report.mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> Report.mb(r.doneFigure("peakRss")), false, false));

    static final List<Metric> KILL = List.of(
            new Metric("caller p50 µs", r -> Report.micros(r.loggedFigure("p50")), false, false),
            new Metric("caller p99 µs", r -> Report.micros(r.loggedFigure("p99")), false, false),
            new Metric("caller p99.9 µs", r -> Report.micros(r.loggedFigure("p999")), false, false),
            new Metric("caller max µs", r -> Report.micros(r.loggedFigure("max")), false, true),
            new Metric("delivered events/s before the kill", RunResult::deliveredPerSecond, true, false),
            new Metric("calls returned", r -> r.completedCalls(), true, false),
            new Metric("in topic before restart", r -> r.distinctAtEnd(), true, false),
            new Metric("in topic at the end", r -> r.distinctFinal(), true, false),
            new Metric("lost by kill -9", r -> r.lost(), false, false),
            new Metric("duplicates", r -> r.duplicates(), false, false),
            new Metric("peak heap MB", r -> Report.mb(r.doneFigure("peakHeapUsed")), false, false),
            new Metric("peak RSS MB", r -> Report.mb(r.doneFigure("peakRss")), false, false));

    static String table(List<RunResult> results, String heading) {
        List<Metric> metrics = switch (results.get(0).scenario()) {
            case BROKER_DOWN_AT_START -> DOWN;
            case KILL_BROKER_UP, KILL_BROKER_DOWN -> KILL;
            default -> Report.BROKER_UP;
        };
        return Report.table(results, heading, metrics, Contender.NODROP_DURABLE, DurableReport::notes);
    }

    private static String notes(RunResult r) {
        if (r.scenario() != Scenario.KILL_BROKER_UP && r.scenario() != Scenario.KILL_BROKER_DOWN) {
            return Report.notes(r);
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(
                Locale.ROOT,
                "%,d calls returned before the kill (progress file); %,d of those events in the topic before the"
                        + " restart (%,d missing), %,d missing at the end",
                r.completedCalls(),
                r.completedCalls() - r.loggedFigure("lostBeforeRecovery"),
                r.loggedFigure("lostBeforeRecovery"),
                r.lost()));
        if (r.loggedFigure("stuck") > 0) {
            notes.add(String.format(
                    Locale.ROOT,
                    "a call had been blocked for %.1f s when the JVM was killed (≥: a lower bound; blocked calls"
                            + " never returned, so they count neither as returned nor as lost)",
                    r.loggedFigure("stuck") / 1e9));
        }
        long unreturned = r.distinctFinal() - (r.completedCalls() - r.lost());
        if (unreturned > 0) {
            notes.add(String.format(
                    Locale.ROOT, "%,d events in the topic whose call had not returned when the JVM died", unreturned));
        }
        if (r.logged().containsKey("brokerDownNanos")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "the broker's stop began %.1f s before the kill and took %.1f s",
                    r.loggedFigure("brokerDownNanos") / 1e9,
                    r.loggedFigure("brokerStopNanos") / 1e9));
        }
        if (r.hasDone("before.accepted")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "counters just before the kill: accepted %,d, acked %,d, spooled %,d, pending %,d",
                    r.doneFigure("before.accepted"),
                    r.doneFigure("before.acked"),
                    r.doneFigure("before.spooledOverflow") + r.doneFigure("before.spooledFailed"),
                    r.doneFigure("before.pending")));
        }
        if (r.hasDone("recover.drained")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "restarted on the same directory: recovered %,d from the journal, replayed %,d; spool %s after"
                            + " %d ms (%d spool files at start, %d after stop); stop took %d ms",
                    r.doneFigure("recover.before.recovered"),
                    r.doneFigure("recover.before.replayed"),
                    Boolean.parseBoolean(r.done().get("recover.drained")) ? "empty" : "**not empty**",
                    r.doneFigure("recover.drainMillis"),
                    r.doneFigure("recover.filesAtStart"),
                    r.doneFigure("recover.filesAfterStop"),
                    r.doneFigure("recover.stopMillis")));
        } else if (!r.contender().recovers()) {
            notes.add("no restart (nothing of it survives the process but its fallback file)");
        }
        if (r.fallbackEvents() >= 0) {
            notes.add(
                    String.format(Locale.ROOT, "%,d events in its fallback file (not delivered)", r.fallbackEvents()));
        }
        if (r.hasDone("asyncDropped") && r.doneFigure("asyncDropped") > 0) {
            notes.add(
                    String.format(Locale.ROOT, "%,d events dropped (ring buffer full)", r.doneFigure("asyncDropped")));
        }
        notes.add(String.format(
                Locale.ROOT,
                "%d GCs, %d ms, before the kill; latency and memory are as of a snapshot taken just before it",
                r.doneFigure("gcCount"),
                r.doneFigure("gcMillis")));
        if (r.problem() != null) {
            notes.add("**" + r.problem() + "**");
        }
        return String.join("; ", notes);
    }

    /** The goals set for durable mode, one row per goal and scenario, with the figure and the verdict. */
    static String goals(List<List<RunResult>> tables) {
        StringBuilder md = new StringBuilder(
                "## Against the goals\n\n| goal | scenario | figure | verdict |\n" + "|---|---|---|---|\n");
        for (List<RunResult> table : tables) {
            Scenario scenario = table.get(0).scenario();
            RunResult durable = find(table, Contender.NODROP_DURABLE);
            if (durable == null) {
                continue;
            }
            RunResult memory = find(table, Contender.NODROP);
            RunResult daniel = find(table, Contender.DANIELWEGENER);
            ToDoubleFunction<RunResult> p50 = r -> r.loggedFigure("p50") / 1e3;
            ToDoubleFunction<RunResult> p999 = r -> r.loggedFigure("p999") / 1e3;
            if (memory != null) {
                md.append(ratioRow(
                        "caller p50 within 2x of in-memory nodrop's", scenario, durable, memory, p50, "µs", 2, false));
            }
            if (daniel != null) {
                md.append(ratioRow(
                        "caller p99.9 at most 1/5 of danielwegener's",
                        scenario,
                        durable,
                        daniel,
                        p999,
                        "µs",
                        0.2,
                        false));
                if (scenario == Scenario.BROKER_UP) {
                    md.append(ratioRow(
                            "delivered events/s at least 1.5x danielwegener's",
                            scenario,
                            durable,
                            daniel,
                            RunResult::deliveredPerSecond,
                            "events/s",
                            1.5,
                            true));
                }
            }
            boolean kill = scenario == Scenario.KILL_BROKER_UP || scenario == Scenario.KILL_BROKER_DOWN;
            md.append(row(
                    kill ? "kill -9 lost 0" : "zero lost",
                    scenario,
                    String.format(Locale.ROOT, "%,d lost", durable.lost()),
                    durable.lost() == 0 ? "met" : "**not met**"));
        }
        return md.append('\n').toString();
    }

    private static String ratioRow(
            String goal,
            Scenario scenario,
            RunResult durable,
            RunResult other,
            ToDoubleFunction<RunResult> value,
            String unit,
            double bound,
            boolean atLeast) {
        double mine = value.applyAsDouble(durable);
        double theirs = value.applyAsDouble(other);
        double ratio = theirs == 0 ? Double.NaN : mine / theirs;
        String figure = String.format(
                Locale.ROOT,
                "%s ÷ %s = %s (%s vs %s %s)",
                durable.contender().id(),
                other.contender().id(),
                Report.ratio(mine, theirs),
                Report.number(mine),
                Report.number(theirs),
                unit);
        String verdict;
        if (Double.isNaN(ratio)) {
            verdict = "n/a";
        } else if (atLeast ? ratio >= bound : ratio <= bound) {
            verdict = "met";
        } else {
            // how far off: the factor by which the figure misses the bound
            verdict = String.format(
                    Locale.ROOT,
                    "**not met**: %.2fx %s the bound",
                    atLeast ? bound / ratio : ratio / bound,
                    atLeast ? "short of" : "over");
        }
        return row(goal, scenario, figure, verdict);
    }

    private static String row(String goal, Scenario scenario, String figure, String verdict) {
        return "| " + goal + " | " + scenario.title() + " | " + figure + " | " + verdict + " |\n";
    }

    private static RunResult find(List<RunResult> table, Contender contender) {
        return table.stream()
                .filter(r -> r.contender() == contender)
                .findFirst()
                .orElse(null);
    }
}
