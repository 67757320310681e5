package io.github.nodrop.benchmarks;

import java.util.Map;

/**
 * What one contender did in one scenario: the caller-side figures its JVM reported, what the harness
 * counted where the events were supposed to arrive, and the contender JVM's memory and CPU.
 *
 * @param logged the contender's {@code BENCH logged} figures (nanoseconds)
 * @param done the contender's {@code BENCH done} figures (bytes, nanoseconds, counters)
 * @param distinctAtEnd distinct events counted when the delivery wait ended
 * @param wallNanos first call until the last new event was counted (or all were)
 * @param complete whether every event was counted before the wait ended
 * @param distinctFinal distinct events counted after the contender stopped
 * @param lost events of calls that returned which are not in the topic or file after the contender stopped
 * @param fallbackEvents distinct events in a contender's own fallback file (danielwegener), else -1
 * @param problem why the run is incomplete, or {@code null}
 */
record RunResult(
        Scenario scenario,
        Contender contender,
        int threads,
        int events,
        Map<String, String> logged,
        Map<String, String> done,
        int distinctAtEnd,
        long wallNanos,
        boolean complete,
        int distinctFinal,
        long duplicates,
        long lost,
        int fallbackEvents,
        String problem) {

    long loggedFigure(String key) {
        return figure(logged, key);
    }

    long doneFigure(String key) {
        return figure(done, key);
    }

    boolean hasDone(String key) {
        return done.containsKey(key);
    }

    /** Calls that returned before the cap. */
    long completedCalls() {
        return loggedFigure("completed");
    }

    /** Distinct events delivered per second of wall time, first call to the last delivery counted. */
    double deliveredPerSecond() {
        return wallNanos <= 0 ? 0 : distinctAtEnd * 1e9 / wallNanos;
    }

    private static long figure(Map<String, String> figures, String key) {
        String value = figures.get(key);
        return value == null ? -1 : Long.parseLong(value);
    }
}
