package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.time.Duration;

/** Prints one status line every interval: rates since the last line, totals, lag and queue depth. */
final class StatsLine implements Runnable {

    private final TransformerMetrics metrics;
    private final Duration interval;
    private final PrintStream out;

    StatsLine(TransformerMetrics metrics, Duration interval, PrintStream out) {
        this.metrics = metrics;
        this.interval = interval;
        this.out = out;
    }

    @Override
    public void run() {
        long consumed = metrics.getConsumed();
        long produced = metrics.getProduced();
        long last = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis()); // the reporting period itself
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            long c = metrics.getConsumed();
            long p = metrics.getProduced();
            out.println(format(c - consumed, p - produced, seconds, metrics));
            consumed = c;
            produced = p;
            last = now;
        }
    }

    static String format(long consumed, long produced, double seconds, TransformerMetrics metrics) {
        return String.format(
                "nodrop-transformer: consumed %.0f/s, produced %.0f/s, dlq %d total, skipped %d, lag %s, queued %d,"
                        + " in flight %d",
                consumed / seconds,
                produced / seconds,
                metrics.getDeadLettered(),
                metrics.getSkipped(),
                metrics.getLag() < 0 ? "?" : String.valueOf(metrics.getLag()),
                metrics.getQueueDepth(),
                metrics.getInFlight());
    }
}
