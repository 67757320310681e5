package io.github.nodrop.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.logback.KafkaAppender;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill scenario's second JVM for nodrop's contenders: starts the same Logback configuration on the
 * killed JVM's fallback directory, logs nothing, waits until the directory holds no spool file (all
 * replayed) or the time limit, then stops Logback cleanly. What a restarted application does, minus its
 * own logging. Reports {@code BENCH done} with the appender's counters and how long the replay took.
 *
 * <p>Arguments: {@code contender waitSeconds}; the system properties are those of {@link ContenderRun}.
 */
public final class RecoverRun {

    private RecoverRun() {}

    public static void main(String[] args) throws Exception {
        long waitNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        long start = System.nanoTime();
        LoggerFactory.getLogger("app.Checkout"); // configures Logback: the appender recovers as it starts
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        KafkaAppender appender =
                (KafkaAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
        Path dir = Path.of(appender.getFallbackDir());
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("startMillis", millisSince(start));
        figures.put("filesAtStart", String.valueOf(SpoolDump.files(dir).size()));
        List<Path> left = SpoolDump.files(dir);
        while (!left.isEmpty() && System.nanoTime() - start < waitNanos) {
            Thread.sleep(20);
            left = SpoolDump.files(dir);
        }
        figures.put("drained", String.valueOf(left.isEmpty()));
        figures.put("drainMillis", millisSince(start));
        figures.putAll(counters(appender.getMetrics(), "before"));
        long stopStart = System.nanoTime();
        context.stop();
        figures.put("stopMillis", millisSince(stopStart));
        figures.putAll(counters(appender.getMetrics(), "after"));
        figures.put("filesAfterStop", String.valueOf(SpoolDump.files(dir).size()));
        StringBuilder line = new StringBuilder("BENCH done");
        figures.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        System.out.println(line);
        System.out.flush();
        System.exit(0);
    }

    private static Map<String, String> counters(AppenderMetrics metrics, String when) {
        Map<String, String> counters = new LinkedHashMap<>();
        counters.put(when + ".recovered", String.valueOf(metrics.getRecovered()));
        counters.put(when + ".replayed", String.valueOf(metrics.getReplayed()));
        counters.put(when + ".quarantined", String.valueOf(metrics.getQuarantined()));
        counters.put(when + ".dropped", String.valueOf(metrics.getDropped()));
        counters.put(when + ".pending", String.valueOf(metrics.getPending()));
        return counters;
    }

    private static String millisSince(long start) {
        return String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
