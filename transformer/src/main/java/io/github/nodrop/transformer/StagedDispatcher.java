package io.github.nodrop.transformer;

import io.github.nodrop.enrich.JsonEnricher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pipeline and worker modes: records travel in batches over queues bounded together in records and bytes.
 *
 * <p>Pipeline: one hasher thread enriches, one producer thread sends, so hashing and Kafka's send path run
 * side by side. Worker: N threads each enrich and send, every input partition pinned to one of them. Both
 * keep each partition's order. A record larger than the byte budget is still taken when nothing else is
 * queued, so it cannot stall the pipeline.
 */
final class StagedDispatcher implements Dispatcher {

    private final Stages stages;
    private final boolean pipeline;
    private final List<BlockingQueue<List<Item>>> queues = new ArrayList<>();
    private final BlockingQueue<List<Item>> sendQueue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedRecords = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean upstreamDone;
    private volatile boolean hasherDone;
    private volatile boolean abandon;

    StagedDispatcher(Stages stages, boolean pipeline, int lanes) {
        this.stages = stages;
        this.pipeline = pipeline;
        for (int i = 0; i < lanes; i++) {
            queues.add(new LinkedBlockingQueue<>());
        }
    }

    @Override
    public void start() {
        if (pipeline) {
            threads.add(thread("hasher", () -> {
                JsonEnricher enricher = new JsonEnricher();
                try {
                    for (List<Item> batch; (batch = next(queues.get(0), () -> upstreamDone)) != null; ) {
                        for (Item item : batch) {
                            stages.enrichment.prepare(item, enricher);
                        }
                        sendQueue.add(batch);
                    }
                } finally {
                    hasherDone = true;
                }
            }));
            threads.add(thread("producer", () -> {
                for (List<Item> batch; (batch = next(sendQueue, () -> hasherDone)) != null; ) {
                    send(batch);
                }
            }));
        } else {
            for (int i = 0; i < queues.size(); i++) {
                BlockingQueue<List<Item>> in = queues.get(i);
                threads.add(thread("worker-" + i, () -> {
                    JsonEnricher enricher = new JsonEnricher();
                    for (List<Item> batch; (batch = next(in, () -> upstreamDone)) != null; ) {
                        for (Item item : batch) {
                            stages.enrichment.prepare(item, enricher);
                        }
                        send(batch);
                    }
                }));
            }
        }
        threads.forEach(Thread::start);
    }

    private void send(List<Item> batch) {
        long bytes = 0;
        for (Item item : batch) {
            while (!stages.output.send(item)) { // max.block.ms passed: Kafka is away; keep trying, in order
                if (abandon || stages.failed.getAsBoolean()) {
                    return;
                }
            }
            bytes += item.bytes;
        }
        queuedRecords.addAndGet(-batch.size());
        queuedBytes.addAndGet(-bytes);
    }

    @Override
    public boolean dispatch(ArrayDeque<Item> backlog) {
        List<List<Item>> batches = new ArrayList<>(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            batches.add(new ArrayList<>());
        }
        int records = queuedRecords.get();
        long bytes = queuedBytes.get();
        TransformerConfig config = stages.config;
        while (!backlog.isEmpty()) {
            Item item = backlog.peekFirst();
            boolean empty = records == 0;
            if (!empty && (records + 1 > config.queueRecords || bytes + item.bytes > config.queueBytes)) {
                break;
            }
            backlog.pollFirst();
            item.slot = stages.tracker.register(item);
            records++;
            bytes += item.bytes;
            batches.get(pipeline ? 0 : Math.floorMod(item.partition.partition(), queues.size()))
                    .add(item);
        }
        for (int i = 0; i < batches.size(); i++) {
            List<Item> batch = batches.get(i);
            if (!batch.isEmpty()) {
                long batchBytes = 0;
                for (Item item : batch) {
                    batchBytes += item.bytes;
                }
                queuedRecords.addAndGet(batch.size());
                queuedBytes.addAndGet(batchBytes);
                queues.get(i).add(batch);
            }
        }
        return backlog.isEmpty();
    }

    @Override
    public int queued() {
        return queuedRecords.get();
    }

    @Override
    public void finish(long deadlineNanos) {
        upstreamDone = true;
        for (Thread thread : threads) {
            try {
                long left = deadlineNanos - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        abandon = true; // past the deadline: what is still queued is read again at the next start
    }

    /** The next batch, or null once the queue is empty and nothing more will come. */
    private List<Item> next(BlockingQueue<List<Item>> queue, java.util.function.BooleanSupplier upstreamFinished) {
        while (!abandon && !stages.failed.getAsBoolean()) {
            try {
                List<Item> batch = queue.poll(50, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    return batch;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (upstreamFinished.getAsBoolean() && queue.isEmpty()) {
                return null;
            }
        }
        return null;
    }

    private Thread thread(String role, Runnable body) {
        Thread thread = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (RuntimeException | Error e) {
                        stages.fail.accept(e);
                    }
                },
                "nodrop-transformer-" + role);
        thread.setDaemon(true);
        return thread;
    }
}
