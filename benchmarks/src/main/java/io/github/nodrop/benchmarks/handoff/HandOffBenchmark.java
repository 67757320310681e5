package io.github.nodrop.benchmarks.handoff;

import io.github.nodrop.core.internal.RingBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

/**
 * The hand-off between the logging threads and the sender: nodrop's {@link RingBuffer} (events and bytes
 * bounded, lock-free) against the {@link ArrayBlockingQueue} it replaced and JCTools' array queues (what a
 * shaded library would give). Logging threads offer an event until it is taken (so a full queue shows as
 * a slower offer, not a cheaper failure) while one sender thread drains up to 512 at a time, as nodrop's
 * sender does. Read the {@code offer} rows: handed-off events per second for the whole group. Run with
 * {@code benchmarks/run-handoff.sh}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandOffBenchmark {

    static final int CAPACITY = 8192;
    static final int BATCH = 512;
    static final Object EVENT = new Object();

    @Param({"ring", "array-blocking-queue", "jctools-mpmc", "jctools-mpsc"})
    public String queue;

    private Queue handOff;

    /** The two operations the engine needs, over each contender. */
    interface Queue {
        boolean offer(Object event);

        int drain(List<Object> into);
    }

    @Setup(Level.Iteration)
    public void setUp() {
        handOff = switch (queue) {
            case "ring" -> {
                RingBuffer<Object> ring = new RingBuffer<>(CAPACITY, Long.MAX_VALUE / 4, e -> 256);
                yield new Queue() {
                    public boolean offer(Object event) {
                        return ring.offer(event, 256);
                    }

                    public int drain(List<Object> into) {
                        try {
                            return ring.drainTo(into, BATCH, 0, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return 0;
                        }
                    }
                };
            }
            case "array-blocking-queue" -> {
                ArrayBlockingQueue<Object> abq = new ArrayBlockingQueue<>(CAPACITY);
                yield new Queue() {
                    public boolean offer(Object event) {
                        return abq.offer(event);
                    }

                    public int drain(List<Object> into) {
                        return abq.drainTo(into, BATCH);
                    }
                };
            }
            case "jctools-mpmc" -> {
                MpmcArrayQueue<Object> mpmc = new MpmcArrayQueue<>(CAPACITY);
                yield new Queue() {
                    public boolean offer(Object event) {
                        return mpmc.offer(event);
                    }

                    public int drain(List<Object> into) {
                        return mpmc.drain(into::add, BATCH);
                    }
                };
            }
            case "jctools-mpsc" -> {
                MpscArrayQueue<Object> mpsc = new MpscArrayQueue<>(CAPACITY);
                yield new Queue() {
                    public boolean offer(Object event) {
                        return mpsc.offer(event);
                    }

                    public int drain(List<Object> into) {
                        return mpsc.drain(into::add, BATCH);
                    }
                };
            }
            default -> throw new IllegalArgumentException("unknown queue " + queue);
        };
    }

    /** A sender's scratch list, one per draining thread. */
    @State(Scope.Thread)
    public static class Drained {
        final List<Object> list = new ArrayList<>(BATCH);
    }

    /** Offers until the event is taken, or the iteration is over (its drainer may be gone by then). */
    private boolean offerUntilTaken(Control control) {
        while (!handOff.offer(EVENT)) {
            if (control.stopMeasurement) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    private int drainOnce(Drained drained) {
        drained.list.clear();
        return handOff.drain(drained.list);
    }

    @Benchmark
    @Group("threads1")
    @GroupThreads(1)
    public boolean offer1(Control control) {
        return offerUntilTaken(control);
    }

    @Benchmark
    @Group("threads1")
    @GroupThreads(1)
    public int drain1(Drained drained) {
        return drainOnce(drained);
    }

    @Benchmark
    @Group("threads4")
    @GroupThreads(4)
    public boolean offer4(Control control) {
        return offerUntilTaken(control);
    }

    @Benchmark
    @Group("threads4")
    @GroupThreads(1)
    public int drain4(Drained drained) {
        return drainOnce(drained);
    }
}
