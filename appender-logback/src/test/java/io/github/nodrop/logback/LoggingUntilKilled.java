package io.github.nodrop.logback;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that logs numbered events "t{thread}-{n}" from several threads at a steady rate until it
 * is killed. After each logging call returns, the thread stores n in its slot of a memory-mapped progress
 * file, which survives {@code kill -9}: so the parent knows, per thread, the last event whose call returned.
 * Arguments: threads, events per second per thread, progress file.
 */
public final class LoggingUntilKilled {

    private LoggingUntilKilled() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rate = Integer.parseInt(args[1]);
        MappedByteBuffer progress;
        try (FileChannel channel = FileChannel.open(
                Paths.get(args[2]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            progress = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8L * threads);
        }
        for (int t = 0; t < threads; t++) {
            progress.putLong(t * 8, -1);
        }
        Logger logger = LoggerFactory.getLogger("app.Killed");
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(
                    () -> {
                        long start = System.nanoTime();
                        for (long n = 0; ; n++) {
                            logger.info("t{}-{}", thread, n);
                            progress.putLong(thread * 8, n);
                            long due = start + (n + 1) * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait); // pacing the workload, not synchronising
                            }
                        }
                    },
                    "worker-" + t);
            worker.start();
        }
        Thread.currentThread().join();
    }
}
