package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Consumes JSON log events, adds {@code "hash"} (see {@link JsonEnricher}) and produces them to the output
 * topic; anything that is not a JSON object goes to the dead-letter topic with headers saying why and
 * where it came from.
 *
 * <p>Rules: the consumer is used by one thread only, and it keeps polling even when the later stages are
 * full (it pauses its partitions instead), so {@code max.poll.interval.ms} is never exceeded because a
 * stage is slow. Queues are bounded in records and bytes. At least once: an input offset is committed
 * only after its output (or dead-letter) record is acknowledged: every second, when partitions are
 * revoked, and at shutdown. Exactly once: each poll's records, their outputs and their offsets are one
 * Kafka transaction.
 *
 * <pre>{@code
 * try (Transformer t = TransformerConfig.builder()
 *         .bootstrapServers("127.0.0.1:9092").input("app-logs").output("app-logs-enriched")
 *         .create()) {
 *     t.start();
 *     ...
 * }
 * }</pre>
 */
public final class Transformer implements AutoCloseable {

    private final TransformerConfig config;
    private final PrintStream status;
    private final OffsetTracker tracker = new OffsetTracker();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger queuedRecords =
            new java.util.concurrent.atomic.AtomicInteger();
    // batches of records travel between stages; queuedRecords and queuedBytes bound what is in them
    private final List<BlockingQueue<List<Item>>> queues = new ArrayList<>();
    private final BlockingQueue<List<Item>> sendQueue;
    private final ConcurrentLinkedQueue<Item> tooLarge = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Item> backlog = new ArrayDeque<>();
    private final List<Thread> stages = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final TransformerMetrics metrics;
    private final JsonEnricher consumerThreadEnricher = new JsonEnricher();
    private volatile boolean closing;
    private volatile boolean upstreamDone;
    private volatile boolean hasherDone;
    private volatile Throwable fatal;
    private volatile Thread runner;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private ObjectName jmxName;

    public Transformer(TransformerConfig config) {
        this(config, System.err);
    }

    Transformer(TransformerConfig config, PrintStream status) {
        this.config = config;
        this.status = status;
        int queueCount = config.guarantee == Guarantee.EXACTLY_ONCE
                ? 0
                : config.mode == Mode.PIPELINE ? 1 : config.mode == Mode.WORKER ? config.workers : 0;
        for (int i = 0; i < queueCount; i++) {
            queues.add(new java.util.concurrent.LinkedBlockingQueue<>());
        }
        this.sendQueue = config.mode == Mode.PIPELINE && config.guarantee == Guarantee.AT_LEAST_ONCE
                ? new java.util.concurrent.LinkedBlockingQueue<>()
                : null;
        this.metrics = new TransformerMetrics(this::queueDepth, tracker::inFlight);
    }

    public TransformerConfig config() {
        return config;
    }

    public TransformerMetrics metrics() {
        return metrics;
    }

    /** Runs on a background thread until {@link #close()}. */
    public synchronized void start() {
        if (runner != null) {
            return;
        }
        Thread thread = new Thread(this::runQuietly, "nodrop-transformer");
        thread.setDaemon(true);
        runner = thread;
        thread.start();
    }

    /**
     * Runs on the calling thread until {@link #close()} is called from another thread, then drains and
     * commits. Throws {@link KafkaException} when the output cannot be written for good (credentials, say),
     * after committing what was delivered.
     */
    public void run() {
        if (runner == null) {
            runner = Thread.currentThread();
        }
        try {
            registerMBean();
            consumer = new KafkaConsumer<>(config.consumerProperties);
            producer = createProducer();
            Thread stats = statsThread();
            if (config.guarantee == Guarantee.EXACTLY_ONCE) {
                runExactlyOnce();
            } else {
                startStages();
                runAtLeastOnce();
            }
            if (stats != null) {
                stats.interrupt();
            }
        } finally {
            closeClients();
            unregisterMBean();
            finished.countDown();
        }
        if (fatal != null) {
            throw fatal instanceof KafkaException
                    ? (KafkaException) fatal
                    : new KafkaException("transformer stopped: " + fatal, fatal);
        }
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            status.println("nodrop-transformer: stopped: " + e);
        }
    }

    /** Stops polling, drains the stages, commits what was delivered, and closes; bounded by the shutdown timeout. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (runner != null && runner != Thread.currentThread()) {
            try {
                finished.await(config.shutdownTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the transformer ended because of an error it could not get past. */
    public Throwable failure() {
        return fatal;
    }

    // ---- at least once

    private void runAtLeastOnce() {
        consumer.subscribe(List.of(config.input), new Rebalance());
        long nextCommit = System.nanoTime() + config.commitInterval.toNanos();
        long nextLag = 0;
        boolean paused = false;
        while (!closing && fatal == null) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                // while paused, come back soon: the stages free room in microseconds, not in 100 ms
                records = consumer.poll(paused ? Duration.ofMillis(2) : Duration.ofMillis(100));
            } catch (WakeupException e) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                metrics.consumed.increment();
                backlog.addLast(new Item(record));
            }
            dispatch();
            routeTooLargeToDeadLetter();
            boolean full = !backlog.isEmpty();
            if (full) {
                consumer.pause(consumer.assignment()); // keep polling, fetch nothing: the group stays alive
                paused = true;
            } else if (paused) {
                consumer.resume(consumer.paused());
                paused = false;
            }
            long now = System.nanoTime();
            if (now >= nextCommit) {
                commit();
                nextCommit = now + config.commitInterval.toNanos();
            }
            if (now >= nextLag) {
                updateLag();
                nextLag = now + TimeUnit.SECONDS.toNanos(1);
            }
        }
        drainAndCommit();
    }

    /** Hands the backlog to the first stage, in order and in batches, as far as the bounds allow. */
    private void dispatch() {
        if (config.mode == Mode.SERIAL) {
            Item item;
            while ((item = backlog.pollFirst()) != null) {
                tracker.register(item.partition, item.in.offset());
                prepare(item, consumerThreadEnricher);
                send(item);
            }
            return;
        }
        List<List<Item>> batches = new ArrayList<>(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            batches.add(new ArrayList<>());
        }
        int records = queuedRecords.get();
        long bytes = queuedBytes.get();
        while (!backlog.isEmpty()) {
            Item item = backlog.peekFirst();
            if (records + 1 > config.queueRecords || bytes + item.bytes > config.queueBytes) {
                break;
            }
            backlog.pollFirst();
            tracker.register(item.partition, item.in.offset());
            records++;
            bytes += item.bytes;
            batches.get(config.mode == Mode.WORKER ? item.partition.partition() % queues.size() : 0)
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
    }

    private void done(List<Item> batch) {
        long batchBytes = 0;
        for (Item item : batch) {
            batchBytes += item.bytes;
        }
        queuedRecords.addAndGet(-batch.size());
        queuedBytes.addAndGet(-batchBytes);
    }

    private void startStages() {
        if (config.mode == Mode.PIPELINE) {
            BlockingQueue<List<Item>> in = queues.get(0);
            stages.add(stage("hasher", () -> {
                JsonEnricher enricher = new JsonEnricher();
                List<Item> batch;
                try {
                    while ((batch = next(in, () -> upstreamDone)) != null) {
                        for (Item item : batch) {
                            prepare(item, enricher);
                        }
                        sendQueue.add(batch);
                    }
                } finally {
                    hasherDone = true;
                }
            }));
            stages.add(stage("producer", () -> {
                List<Item> batch;
                while ((batch = next(sendQueue, () -> hasherDone)) != null) {
                    for (Item item : batch) {
                        send(item);
                    }
                    done(batch);
                }
            }));
        } else if (config.mode == Mode.WORKER) {
            for (int i = 0; i < queues.size(); i++) {
                BlockingQueue<List<Item>> in = queues.get(i);
                stages.add(stage("worker-" + i, () -> {
                    JsonEnricher enricher = new JsonEnricher();
                    List<Item> batch;
                    while ((batch = next(in, () -> upstreamDone)) != null) {
                        for (Item item : batch) {
                            prepare(item, enricher);
                            send(item);
                        }
                        done(batch);
                    }
                }));
            }
        }
        stages.forEach(Thread::start);
    }

    private Thread stage(String role, Runnable body) {
        Thread thread = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (RuntimeException | Error e) {
                        fail(e);
                    }
                },
                "nodrop-transformer-" + role);
        thread.setDaemon(true);
        return thread;
    }

    /** The next batch, or null once the queue is empty and nothing more will come. */
    private List<Item> next(BlockingQueue<List<Item>> queue, java.util.function.BooleanSupplier upstreamFinished) {
        while (true) {
            if (fatal != null) {
                return null;
            }
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
    }

    /** Enriches the record, or turns it into its dead-letter record with the reason. */
    private void prepare(Item item, JsonEnricher enricher) {
        ConsumerRecord<byte[], byte[]> in = item.in;
        JsonEnricher.Result result = enricher.enrich(in.value());
        if (!result.ok()) {
            item.deadLetter(config.dlq, result.error());
            return;
        }
        byte[] key = config.keyByHash ? result.hash().getBytes(StandardCharsets.US_ASCII) : in.key();
        item.out = new ProducerRecord<>(
                config.output, null, in.timestamp() < 0 ? null : in.timestamp(), key, result.value(), in.headers());
        int size = result.value().length + (key == null ? 0 : key.length) + 256;
        if (size > config.maxRequestSize()) {
            item.deadLetter(config.dlq, "enriched record of " + size + " bytes is larger than max.request.size");
        }
    }

    private void send(Item item) {
        while (true) {
            try {
                producer.send(item.out, (metadata, error) -> acknowledged(item, error));
                return;
            } catch (TimeoutException e) {
                // the output is unreachable and the producer's buffer is full: wait it out; at shutdown the
                // record stays uncommitted and is read again next time
                if (closing || fatal != null) {
                    return;
                }
            } catch (KafkaException e) {
                fail(e);
                return;
            }
        }
    }

    /** Kafka's callback: counts and acknowledges; never blocks. */
    private void acknowledged(Item item, Exception error) {
        if (error == null) {
            (item.isDeadLetter() ? metrics.deadLettered : metrics.produced).increment();
            tracker.ack(item.partition, item.in.offset());
        } else if (error instanceof RecordTooLargeException && !item.isDeadLetter()) {
            item.deadLetter(config.dlq, "output refused: " + error.getMessage());
            tooLarge.add(item);
        } else if (error instanceof RecordTooLargeException) {
            metrics.skipped.increment();
            status.println("nodrop-transformer: skipped " + item.source() + ": neither the output nor the"
                    + " dead-letter topic takes it (" + error.getMessage() + ")");
            tracker.ack(item.partition, item.in.offset());
        } else {
            fail(error);
        }
    }

    private void routeTooLargeToDeadLetter() {
        Item item;
        while ((item = tooLarge.poll()) != null) {
            send(item);
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.takeCommittable();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // a rebalance is under way: the revoke callback commits these partitions
            status.println("nodrop-transformer: commit deferred: " + e.getMessage());
        }
    }

    private void drainAndCommit() {
        upstreamDone = true;
        long deadline = System.nanoTime() + config.shutdownTimeout.toNanos();
        for (Thread stage : stages) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(stage, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            routeTooLargeToDeadLetter();
            producer.flush();
            while (tracker.inFlight() > 0 && System.nanoTime() < deadline && fatal == null) {
                routeTooLargeToDeadLetter();
                TimeUnit.MILLISECONDS.sleep(10); // waiting on Kafka's callbacks, bounded by the deadline
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            fail(e);
        }
        commit();
    }

    /** Reads the largest partition lag; the consumer is not thread-safe, so only its own thread asks. */
    private void updateLag() {
        double lag = -1;
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> entry :
                consumer.metrics().entrySet()) {
            if (entry.getKey().name().equals("records-lag-max")) {
                Object value = entry.getValue().metricValue();
                if (value instanceof Double && !((Double) value).isNaN()) {
                    lag = Math.max(lag, (Double) value);
                }
            }
        }
        if (lag >= 0) {
            metrics.lag = (long) lag;
        }
    }

    /** Commits what is delivered for partitions going away, so their next owner starts right after it. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> revoked = new HashSet<>(partitions);
            backlog.removeIf(item -> revoked.contains(item.partition));
            try {
                tracker.awaitDrained(revoked, System.nanoTime() + config.shutdownTimeout.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            commit();
            tracker.forget(revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TopicPartition> lost = new HashSet<>(partitions);
            backlog.removeIf(item -> lost.contains(item.partition));
            tracker.forget(lost);
        }
    }

    // ---- exactly once

    private void runExactlyOnce() {
        producer.initTransactions();
        consumer.subscribe(List.of(config.input), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
        long nextLag = 0;
        while (!closing && fatal == null) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(Duration.ofMillis(100));
            } catch (WakeupException e) {
                break;
            }
            if (!records.isEmpty()) {
                transact(records);
            }
            if (System.nanoTime() >= nextLag) {
                updateLag();
                nextLag = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
        }
    }

    private void transact(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long produced = 0;
        long deadLettered = 0;
        producer.beginTransaction();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                metrics.consumed.increment();
                Item item = new Item(record);
                prepare(item, consumerThreadEnricher);
                producer.send(item.out);
                if (item.isDeadLetter()) {
                    deadLettered++;
                } else {
                    produced++;
                }
                offsets.put(item.partition, new OffsetAndMetadata(record.offset() + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.produced.add(produced);
            metrics.deadLettered.add(deadLettered);
        } catch (ProducerFencedException
                | OutOfOrderSequenceException
                | AuthorizationException
                | AuthenticationException e) {
            fail(e);
        } catch (KafkaException e) {
            producer.abortTransaction();
            rewind(records);
        }
    }

    /** After an aborted transaction, reads the batch again from its first offsets. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    // ---- plumbing

    private Producer<byte[], byte[]> createProducer() {
        Map<String, Object> props = new HashMap<>(config.producerProperties);
        if (config.guarantee == Guarantee.EXACTLY_ONCE) {
            props.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.groupId + "-" + UUID.randomUUID());
        }
        return new KafkaProducer<>(props);
    }

    private void closeClients() {
        Duration timeout = Duration.ofSeconds(10);
        if (consumer != null) {
            try {
                consumer.close(timeout);
            } catch (RuntimeException e) {
                status.println("nodrop-transformer: closing the consumer failed: " + e);
            }
        }
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                status.println("nodrop-transformer: closing the producer failed: " + e);
            }
        }
    }

    private void fail(Throwable error) {
        if (fatal == null) {
            fatal = error;
            status.println("nodrop-transformer: cannot go on: " + error);
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    private int queueDepth() {
        return backlog.size() + queuedRecords.get();
    }

    private Thread statsThread() {
        if (config.statsInterval.isZero()) {
            return null;
        }
        Thread thread = new Thread(new StatsLine(metrics, config.statsInterval, status), "nodrop-transformer-stats");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void registerMBean() {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String base = "io.github.nodrop:type=Transformer,name=" + ObjectName.quote(config.groupId);
            ObjectName name = new ObjectName(base);
            for (int i = 2; server.isRegistered(name); i++) {
                name = new ObjectName(base + ",instance=" + i);
            }
            server.registerMBean(metrics, name);
            jmxName = name;
        } catch (javax.management.JMException | RuntimeException e) {
            status.println("nodrop-transformer: counters not exposed over JMX: " + e);
        }
    }

    private void unregisterMBean() {
        if (jmxName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
            } catch (javax.management.JMException | RuntimeException e) {
                // already gone
            }
        }
    }

    /** One input record on its way through the stages. */
    private static final class Item {
        final ConsumerRecord<byte[], byte[]> in;
        final TopicPartition partition;
        final int bytes;
        ProducerRecord<byte[], byte[]> out;
        private boolean deadLetter;

        Item(ConsumerRecord<byte[], byte[]> in) {
            this.in = in;
            this.partition = new TopicPartition(in.topic(), in.partition());
            this.bytes = 64 + (in.value() == null ? 0 : in.value().length) + (in.key() == null ? 0 : in.key().length);
        }

        boolean isDeadLetter() {
            return deadLetter;
        }

        /** The original record, with headers saying why and where from, for the dead-letter topic. */
        void deadLetter(String topic, String why) {
            RecordHeaders headers = new RecordHeaders();
            for (Header header : in.headers()) {
                headers.add(header);
            }
            headers.add("nodrop.error", why.getBytes(StandardCharsets.UTF_8));
            headers.add("nodrop.source.topic", in.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(
                    "nodrop.source.partition", String.valueOf(in.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("nodrop.source.offset", String.valueOf(in.offset()).getBytes(StandardCharsets.UTF_8));
            out = new ProducerRecord<>(
                    topic, null, in.timestamp() < 0 ? null : in.timestamp(), in.key(), in.value(), headers);
            deadLetter = true;
        }

        String source() {
            return in.topic() + "-" + in.partition() + "@" + in.offset();
        }
    }
}
