package io.github.nodrop.logback;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import io.github.nodrop.core.AppenderConfig;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.DeliveryEngine;
import io.github.nodrop.core.DropReason;
import io.github.nodrop.core.ProducerFactory;
import io.github.nodrop.core.QuarantineReason;
import io.github.nodrop.core.RecursionGuard;
import io.github.nodrop.core.SpoolReason;
import io.github.nodrop.core.StatusListener;
import io.github.nodrop.core.UndeliveredListener;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A Logback appender that ships events to Kafka without ever blocking the logging thread and without
 * losing events: the calling thread hands the event to a bounded buffer and returns; a background sender
 * delivers it; what Kafka cannot take goes to fallback files under {@code fallbackDir} and is replayed
 * when Kafka is back. Appenders referenced with {@code <appender-ref>} inside this one also receive every
 * event that could not be delivered at first try.
 *
 * <p>Every setting is checked in {@link #start()}; problems are reported through Logback's status system
 * naming this appender and the setting, and the appender does not start. {@code start()} never contacts
 * Kafka. Events from Kafka's own loggers, and events logged on nodrop's or Kafka's threads, are never
 * sent through this appender.
 */
public class KafkaAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    public static final int DEFAULT_BUFFER_SIZE = AppenderConfig.DEFAULT_BUFFER_SIZE;
    public static final String DEFAULT_FALLBACK_DIR = AppenderConfig.DEFAULT_FALLBACK_DIR;
    public static final String DEFAULT_MAX_FALLBACK_FILE_SIZE = "64MB";
    public static final String DEFAULT_MAX_FALLBACK_TOTAL_SIZE = "1GB";
    public static final String DEFAULT_BUFFER_BYTES = "16MB";
    public static final String DEFAULT_SHUTDOWN_TIMEOUT = "10 seconds";
    /** The format when no encoder is set and this Logback has no JsonEncoder (before 1.3.8). */
    static final String TEXT_PATTERN = "%d{ISO8601} %-5level [%thread] %logger - %msg%n%ex";

    private final AppenderAttachableImpl<ILoggingEvent> fallbackAppenders = new AppenderAttachableImpl<>();
    private final List<String> producerConfig = new ArrayList<>();
    private final List<String> mdcHeaders = new ArrayList<>();
    private String bootstrapServers;
    private String topic;
    private Encoder<ILoggingEvent> encoder;
    private String key;
    private Integer partition;
    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private String bufferBytes = DEFAULT_BUFFER_BYTES;
    private String fallbackDir = DEFAULT_FALLBACK_DIR;
    private String maxFallbackFileSize = DEFAULT_MAX_FALLBACK_FILE_SIZE;
    private String maxFallbackTotalSize = DEFAULT_MAX_FALLBACK_TOTAL_SIZE;
    private boolean replayFallback = AppenderConfig.DEFAULT_REPLAY_FALLBACK;
    private String shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private String retryInterval = "1 second";
    private boolean includeCallerData;
    private String overflow = "spool";
    private boolean durable = AppenderConfig.DEFAULT_DURABLE;
    private String journalSize = "64MB";
    private String journalSyncInterval = "0";
    private ProducerFactory producerFactory = ProducerFactory.DEFAULT;
    private volatile DeliveryEngine<ILoggingEvent> engine;

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        AppenderConfig.Builder builder = AppenderConfig.builder(getName())
                .bootstrapServers(bootstrapServers)
                .topic(topic)
                .partition(partition)
                .bufferSize(bufferSize)
                .bufferBytes(bufferBytes)
                .fallbackDir(fallbackDir)
                .maxFallbackFileSize(maxFallbackFileSize)
                .maxFallbackTotalSize(maxFallbackTotalSize)
                .replayFallback(replayFallback)
                .shutdownTimeout(shutdownTimeout)
                .retryInterval(retryInterval)
                .overflow(overflow)
                .durable(durable)
                .journalSize(journalSize)
                .journalSyncInterval(journalSyncInterval);
        producerConfig.forEach(builder::producerProperty);
        Encoder<ILoggingEvent> effectiveEncoder = encoder != null ? encoder : defaultEncoder();
        PatternLayout keyLayout = keyLayout(builder);
        AppenderConfig config;
        try {
            config = builder.build();
        } catch (AppenderConfig.InvalidConfigException e) {
            e.problems().forEach(this::addError);
            addError("appender '" + getName() + "' not started: fix the settings above");
            return;
        }
        DeliveryEngine<ILoggingEvent> created = new DeliveryEngine<>(
                config,
                new LogbackCodec(effectiveEncoder, keyLayout, mdcHeaders),
                producerFactory,
                new Status(),
                new Fallback());
        try {
            created.start();
        } catch (IllegalStateException e) {
            addError(e.getMessage(), e.getCause());
            return;
        }
        engine = created;
        // appender-refs this appender stopped at its last stop() (a test restarting it on a MockProducer)
        fallbackAppenders.iteratorForAppenders().forEachRemaining(ref -> {
            if (!ref.isStarted()) {
                ref.start();
            }
        });
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        DeliveryEngine<ILoggingEvent> running = engine;
        if (running != null) {
            running.stop();
        }
        // stopped with this appender (nothing else would stop an appender only referenced here), but kept
        // attached, so that a start() after this stop() feeds them again
        fallbackAppenders.iteratorForAppenders().forEachRemaining(Appender::stop);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (RecursionGuard.mustSkip(event.getLoggerName())) {
            DeliveryEngine<ILoggingEvent> running = engine;
            if (running != null) {
                running.skipped();
            }
            return;
        }
        try {
            event.prepareForDeferredProcessing();
            if (includeCallerData) {
                event.getCallerData();
            }
        } catch (RuntimeException e) {
            // a context without an MDC adapter, say: send what the event has rather than lose it
        }
        DeliveryEngine<ILoggingEvent> running = engine;
        if (running != null) {
            running.submit(event);
        }
    }

    /** The live counters, or {@code null} before the first start. */
    public AppenderMetrics getMetrics() {
        DeliveryEngine<ILoggingEvent> running = engine;
        return running == null ? null : running.metrics();
    }

    private Encoder<ILoggingEvent> defaultEncoder() {
        try {
            return jsonEncoder();
        } catch (LinkageError e) { // JsonEncoder arrived in Logback 1.3.8 and 1.4.8
            addWarn(prefix() + "this Logback has no JsonEncoder (Logback 1.3.8 or later has): events are sent as"
                    + " text lines '" + TEXT_PATTERN + "'; set an <encoder> to choose their format");
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(getContext());
            text.setPattern(TEXT_PATTERN);
            text.start();
            return text;
        }
    }

    private String prefix() {
        return "appender '" + getName() + "': ";
    }

    private Encoder<ILoggingEvent> jsonEncoder() {
        JsonEncoder json = new JsonEncoder();
        json.setContext(getContext());
        try {
            json.setWithFormattedMessage(true); // what people search for in the index
        } catch (NoSuchMethodError e) {
            addWarn(prefix() + "this Logback's JsonEncoder cannot add the formatted message (Logback 1.5 can):"
                    + " events carry the message pattern and its arguments");
        }
        json.start();
        return json;
    }

    private PatternLayout keyLayout(AppenderConfig.Builder builder) {
        if (key == null || key.isBlank()) {
            return null;
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext(getContext());
        layout.setPattern(key);
        layout.start();
        if (!layout.isStarted()) {
            builder.addProblem("key", "'" + key + "' is not a valid pattern");
            return null;
        }
        return layout;
    }

    /**
     * Reports the engine's status through Logback's status system. Logback shows status messages only to
     * registered status listeners, so warnings and errors (an outage, quarantined or dropped events) also go
     * to standard error while no listener is registered: a loss is never silent.
     */
    private final class Status implements StatusListener {
        @Override
        public void info(String message) {
            addInfo(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            addWarn(message, cause);
            toStandardErrorIfUnheard("WARN", message);
        }

        @Override
        public void error(String message, Throwable cause) {
            addError(message, cause);
            toStandardErrorIfUnheard("ERROR", message);
        }

        private void toStandardErrorIfUnheard(String level, String message) {
            try {
                if (getContext() == null
                        || getContext()
                                .getStatusManager()
                                .getCopyOfStatusListenerList()
                                .isEmpty()) {
                    System.err.println(java.time.Instant.now() + " nodrop " + level + " " + message);
                }
            } catch (RuntimeException e) {
                // reporting must never fail the appender
            }
        }
    }

    /** Feeds the {@code <appender-ref>} appenders with events Kafka did not take at first try. */
    private final class Fallback implements UndeliveredListener<ILoggingEvent> {
        @Override
        public void spooled(ILoggingEvent event, SpoolReason reason) {
            fallbackAppenders.appendLoopOnAppenders(event);
        }

        @Override
        public void quarantined(ILoggingEvent event, QuarantineReason reason) {
            fallbackAppenders.appendLoopOnAppenders(event);
        }

        @Override
        public void dropped(ILoggingEvent event, DropReason reason) {
            fallbackAppenders.appendLoopOnAppenders(event);
        }
    }

    // ---- settings

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getTopic() {
        return topic;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /** A Logback pattern evaluated per event for the record key, e.g. {@code %X{requestId}}. */
    public void setKey(String key) {
        this.key = key;
    }

    public String getKey() {
        return key;
    }

    /** Sends every record to this partition instead of letting the key choose. */
    public void setPartition(Integer partition) {
        this.partition = partition;
    }

    public Integer getPartition() {
        return partition;
    }

    /** One {@code name=value} Kafka producer setting; repeat the element for more. */
    public void addProducerConfig(String keyValue) {
        producerConfig.add(keyValue);
    }

    /** An MDC key whose value is sent as a Kafka record header of the same name; repeatable. */
    public void addMdcHeader(String mdcKey) {
        if (mdcKey != null && !mdcKey.isBlank()) {
            mdcHeaders.add(mdcKey.trim());
        }
    }

    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public int getBufferSize() {
        return bufferSize;
    }

    public void setBufferBytes(String bufferBytes) {
        this.bufferBytes = bufferBytes;
    }

    public void setFallbackDir(String fallbackDir) {
        this.fallbackDir = fallbackDir;
    }

    public String getFallbackDir() {
        return fallbackDir;
    }

    public void setMaxFallbackFileSize(String maxFallbackFileSize) {
        this.maxFallbackFileSize = maxFallbackFileSize;
    }

    public void setMaxFallbackTotalSize(String maxFallbackTotalSize) {
        this.maxFallbackTotalSize = maxFallbackTotalSize;
    }

    public void setReplayFallback(boolean replayFallback) {
        this.replayFallback = replayFallback;
    }

    public boolean isReplayFallback() {
        return replayFallback;
    }

    public void setShutdownTimeout(String shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** How often to check whether Kafka is back after a failure; default 1 second. */
    public void setRetryInterval(String retryInterval) {
        this.retryInterval = retryInterval;
    }

    /** Capture caller data (class, method, line) on the logging thread, for encoders that print it. */
    public void setIncludeCallerData(boolean includeCallerData) {
        this.includeCallerData = includeCallerData;
    }

    /**
     * What a logging call does when the buffer and the spiller's queue are both full: {@code spool} (write
     * the event to the spool on the logging thread, back-pressure like a file appender; the default) or
     * {@code drop} (drop and count it, never wait for a disk).
     */
    public void setOverflow(String overflow) {
        this.overflow = overflow;
    }

    /**
     * Durable mode: each event is encoded and written to a memory-mapped journal under {@code fallbackDir}
     * before the logging call returns, so a {@code kill -9} of the application loses none.
     */
    public void setDurable(boolean durable) {
        this.durable = durable;
    }

    public boolean isDurable() {
        return durable;
    }

    /** The journal's size in durable mode; default 64MB. */
    public void setJournalSize(String journalSize) {
        this.journalSize = journalSize;
    }

    /** How often durable mode flushes the journal to the device, for power loss; default 0 (never). */
    public void setJournalSyncInterval(String journalSyncInterval) {
        this.journalSyncInterval = journalSyncInterval;
    }

    /** The producer factory; tests inject one that returns a {@code MockProducer}. */
    public void setProducerFactory(ProducerFactory producerFactory) {
        this.producerFactory = producerFactory == null ? ProducerFactory.DEFAULT : producerFactory;
    }

    // ---- appender-ref

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        fallbackAppenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return fallbackAppenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return fallbackAppenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return fallbackAppenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        fallbackAppenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return fallbackAppenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return fallbackAppenders.detachAppender(name);
    }
}
