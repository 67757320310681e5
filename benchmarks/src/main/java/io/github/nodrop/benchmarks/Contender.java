package io.github.nodrop.benchmarks;

import java.util.Locale;

/** What the harness compares; each is configured by its own Logback file under {@code contenders/}. */
enum Contender {
    NODROP("nodrop", "nodrop `KafkaAppender` (defaults)", Sink.TOPIC),
    DANIELWEGENER(
            "danielwegener",
            "danielwegener `KafkaAppender` (AsynchronousDeliveryStrategy + fallback file)",
            Sink.TOPIC),
    LOGBACK_ASYNC_FILE(
            "logback-async-file", "Logback `AsyncAppender` + `FileAppender` (defaults, no Kafka)", Sink.FILE),
    KAFKA_PRODUCER("kafka-producer", "raw `KafkaProducer.send` (defaults)", Sink.TOPIC),
    NODROP_DURABLE("nodrop-durable", "nodrop `KafkaAppender`, `<durable>true</durable>`", Sink.TOPIC),
    LOGSTASH_ASYNC(
            "logstash-async",
            "logstash-logback-encoder `LoggingEventAsyncDisruptorAppender` (defaults) + danielwegener `KafkaAppender`",
            Sink.TOPIC),
    NOOP("noop", "Logback with an appender that discards every event (the floor: the framework's own cost)", Sink.NONE);

    /** What {@link LogbackComparison} runs unless told otherwise: its results files stay comparable. */
    static final String LOGBACK_COMPARISON = "nodrop,danielwegener,logback-async-file,kafka-producer";

    /** Where a contender's events end up, and so where the harness counts them. */
    enum Sink {
        TOPIC,
        FILE,
        /** Nowhere: the event is discarded, so there is nothing to count and nothing to lose. */
        NONE
    }

    private final String id;
    private final String title;
    private final Sink sink;

    Contender(String id, String title, Sink sink) {
        this.id = id;
        this.title = title;
        this.sink = sink;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    Sink sink() {
        return sink;
    }

    /** nodrop's own appenders: a later start on the same fallback directory replays what they left there. */
    boolean recovers() {
        return this == NODROP || this == NODROP_DURABLE;
    }

    /** danielwegener's appender, alone or behind logstash-logback-encoder: undelivered events go to a file. */
    boolean hasFallbackFile() {
        return this == DANIELWEGENER || this == LOGSTASH_ASYNC;
    }

    /** The Logback configuration on the class path that the contender's JVM starts with. */
    String logbackConfig() {
        return "contenders/" + id + ".xml";
    }

    /** The file under the run directory that a {@link Sink#FILE} contender writes. */
    static String fileName() {
        return "app.log";
    }

    static Contender byId(String id) {
        for (Contender contender : values()) {
            if (contender.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return contender;
            }
        }
        throw new IllegalArgumentException("unknown contender '" + id + "'; known: " + ids());
    }

    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (Contender contender : values()) {
            ids.append(ids.length() == 0 ? "" : ",").append(contender.id);
        }
        return ids.toString();
    }
}
