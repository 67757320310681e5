package io.github.nodrop.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RingBufferTest {

    @Test
    void aRingOfOneSlotIsRefused() throws Exception {
        // one slot cannot tell "filled, not yet taken" from "free for the next lap": a second offer would
        // overwrite the first and the consumer would spin
        assertThatThrownBy(() -> new RingBuffer<Integer>(1, Long.MAX_VALUE, i -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
        RingBuffer<Integer> two = new RingBuffer<>(2, Long.MAX_VALUE, i -> 1);
        assertThat(two.offer(1, 1)).isTrue();
        assertThat(two.offer(2, 1)).isTrue();
        assertThat(two.offer(3, 1)).isFalse();
        List<Integer> out = new ArrayList<>();
        assertThat(two.drainTo(out, 10, 0, TimeUnit.MILLISECONDS)).isEqualTo(2);
        assertThat(out).containsExactly(1, 2);
    }

    @Test
    void holdsExactlyItsCapacityEvenWhenNotAPowerOfTwo() throws Exception {
        RingBuffer<Integer> ring = new RingBuffer<>(5, Long.MAX_VALUE, i -> 1);
        for (int i = 0; i < 5; i++) {
            assertThat(ring.offer(i, 1)).isTrue();
        }
        assertThat(ring.offer(5, 1)).isFalse();
        assertThat(ring.size()).isEqualTo(5);

        List<Integer> out = new ArrayList<>();
        assertThat(ring.drainTo(out, 2, 0, TimeUnit.MILLISECONDS)).isEqualTo(2);
        assertThat(out).containsExactly(0, 1);
        assertThat(ring.offer(6, 1)).isTrue();
        assertThat(ring.offer(7, 1)).isTrue();
        assertThat(ring.offer(8, 1)).isFalse();
        assertThat(ring.drainTo(out, 100, 0, TimeUnit.MILLISECONDS)).isEqualTo(5);
        assertThat(out).containsExactly(0, 1, 2, 3, 4, 6, 7);
        assertThat(ring.size()).isZero();
        assertThat(ring.bytes()).isZero();
    }

    @Test
    void refusesWhatWouldExceedTheByteBudgetAndGivesTheBytesBackOnDrain() throws Exception {
        RingBuffer<Integer> ring = new RingBuffer<>(100, 1_000, i -> i);
        assertThat(ring.offer(600, 600)).isTrue();
        assertThat(ring.offer(500, 500)).isFalse();
        assertThat(ring.bytes()).isEqualTo(600);
        assertThat(ring.offer(400, 400)).isTrue();
        assertThat(ring.offer(1, 1)).isFalse();

        List<Integer> out = new ArrayList<>();
        ring.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
        assertThat(ring.bytes()).isEqualTo(400);
        assertThat(ring.offer(500, 500)).isTrue();
    }

    @Test
    void aDrainWithATimeoutReturnsNothingWhenEmptyAndTheItemWhenOneArrives() throws Exception {
        RingBuffer<Integer> ring = new RingBuffer<>(4, Long.MAX_VALUE, i -> 1);
        List<Integer> out = new ArrayList<>();
        assertThat(ring.drainTo(out, 10, 5, TimeUnit.MILLISECONDS)).isZero();

        Thread late = new Thread(() -> ring.offer(42, 1));
        late.start();
        while (out.isEmpty()) {
            ring.drainTo(out, 10, 50, TimeUnit.MILLISECONDS);
        }
        late.join();
        assertThat(out).containsExactly(42);
    }

    @Test
    void rejectsAZeroCapacity() {
        assertThatThrownBy(() -> new RingBuffer<Integer>(0, 1, i -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }

    /**
     * Six producers race two consumers around a small ring for many laps: every item comes out exactly
     * once, in each producer's order, and the byte budget is all given back.
     */
    @Test
    void concurrentProducersAndConsumersSeeEachItemExactlyOnceInOrder() throws Exception {
        int producers = 6;
        int perProducer = 50_000;
        int capacity = 37;
        RingBuffer<Long> ring = new RingBuffer<>(capacity, 25 * 8, item -> 8);
        AtomicLong refused = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);

        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (long) p * perProducer;
            threads.add(new Thread(() -> {
                await(start);
                for (long i = base; i < base + perProducer; ) {
                    if (ring.offer(i, 8)) {
                        i++;
                    } else {
                        refused.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        List<List<Long>> consumed = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            List<Long> mine = new ArrayList<>();
            consumed.add(mine);
            consumers.add(new Thread(() -> {
                await(start);
                List<Long> batch = new ArrayList<>();
                try {
                    while (producing.get() || ring.size() > 0) {
                        batch.clear();
                        ring.drainTo(batch, 7, 1, TimeUnit.MILLISECONDS);
                        mine.addAll(batch);
                    }
                } catch (InterruptedException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        consumers.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        producing.set(false);
        for (Thread t : consumers) {
            t.join();
        }

        assertThat(failure.get()).isNull();
        BitSet seen = new BitSet(producers * perProducer);
        long total = 0;
        for (List<Long> mine : consumed) {
            long[] lastOfProducer = new long[producers];
            Arrays.fill(lastOfProducer, -1);
            for (long item : mine) {
                assertThat(seen.get((int) item))
                        .as("item %d drained twice", item)
                        .isFalse();
                seen.set((int) item);
                int producer = (int) (item / perProducer);
                assertThat(item).as("one producer's items in order").isGreaterThan(lastOfProducer[producer]);
                lastOfProducer[producer] = item;
                total++;
            }
        }
        assertThat(total).isEqualTo((long) producers * perProducer);
        assertThat(seen.cardinality()).isEqualTo(producers * perProducer);
        assertThat(ring.bytes()).isZero();
        assertThat(refused.get())
                .as("the ring was full at times, so the bounds were tested")
                .isPositive();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
