package io.github.nodrop.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory and CPU of this JVM: a daemon thread samples used heap every 10 ms (the JMX pool peaks alone
 * would only show how full eden got), and the kernel's high-water mark of resident memory is read at
 * the end.
 */
final class ProcessStats implements Runnable {

    private static final long SAMPLE_MILLIS = 10;

    private final List<MemoryPoolMXBean> heapPools;
    private volatile boolean closed;
    private volatile long peakHeapUsed;
    private volatile long peakHeapAfterGc;

    private ProcessStats() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }

    static ProcessStats start() {
        ProcessStats stats = new ProcessStats();
        Thread thread = new Thread(stats, "bench-memory-sampler");
        thread.setDaemon(true);
        thread.start();
        return stats;
    }

    @Override
    public void run() {
        while (!closed) {
            sample();
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void sample() {
        long used = 0;
        long afterGc = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            used += pool.getUsage().getUsed();
            MemoryUsage collection = pool.getCollectionUsage();
            if (collection != null) {
                afterGc += collection.getUsed();
            }
        }
        if (used > peakHeapUsed) {
            peakHeapUsed = used;
        }
        if (afterGc > peakHeapAfterGc) {
            peakHeapAfterGc = afterGc;
        }
    }

    /** Stops sampling and returns the figures, in bytes, nanoseconds and counts. */
    Map<String, String> finish() {
        closed = true;
        return snapshot();
    }

    /** The figures so far, sampling on: for a JVM that will be killed rather than finish. */
    Map<String, String> snapshot() {
        sample();
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("peakHeapUsed", String.valueOf(peakHeapUsed));
        figures.put("peakHeapAfterGc", String.valueOf(peakHeapAfterGc));
        figures.put(
                "heapPoolPeaks",
                String.valueOf(heapPools.stream()
                        .mapToLong(pool -> pool.getPeakUsage().getUsed())
                        .sum()));
        figures.put("peakRss", String.valueOf(statusKb("VmHWM:") * 1024));
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        figures.put("gcCount", String.valueOf(gcCount));
        figures.put("gcMillis", String.valueOf(gcMillis));
        figures.put("cpuNanos", String.valueOf(processCpuNanos()));
        return figures;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** A {@code kB} figure from {@code /proc/self/status}, or -1 where there is none (not Linux). */
    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
