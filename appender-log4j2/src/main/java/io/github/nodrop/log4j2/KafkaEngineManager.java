package io.github.nodrop.log4j2;

import io.github.nodrop.core.AppenderConfig;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.DeliveryEngine;
import io.github.nodrop.core.EventCodec;
import io.github.nodrop.core.ProducerFactory;
import io.github.nodrop.core.StatusListener;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractManager;
import org.apache.logging.log4j.core.appender.ManagerFactory;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * Owns one {@link DeliveryEngine} (producer, buffer, spool) for Log4j2's manager registry. A
 * reconfiguration with the same delivery settings reuses the running engine (only the layout is swapped),
 * so nothing is interrupted; changed settings get a new engine, and the old one drains when its last
 * appender stops.
 */
final class KafkaEngineManager extends AbstractManager {

    private final DeliveryEngine<LogEvent> engine;
    private final SwappableCodec codec;

    private KafkaEngineManager(
            LoggerContext context, String name, DeliveryEngine<LogEvent> engine, SwappableCodec codec) {
        super(context, name);
        this.engine = engine;
        this.codec = codec;
    }

    /** The manager for these settings, started; throws {@link IllegalStateException} if the spool is unusable. */
    static KafkaEngineManager get(
            LoggerContext context, AppenderConfig config, EventCodec<LogEvent> codec, ProducerFactory factory) {
        String name = "nodrop-kafka:" + config.appenderName() + ":"
                + Integer.toHexString(Objects.hash(
                        config.topic(),
                        config.producerConfig(),
                        config.partition(),
                        config.bufferSize(),
                        config.bufferBytes(),
                        config.fallbackDir(),
                        config.maxFallbackFileSize(),
                        config.maxFallbackTotalSize(),
                        config.replayFallback(),
                        config.shutdownTimeout(),
                        config.retryInterval(),
                        config.overflow(),
                        config.durable(),
                        config.journalSize(),
                        config.journalSyncInterval(),
                        System.identityHashCode(factory)));
        KafkaEngineManager manager = getManager(name, FACTORY, new Data(context, config, codec, factory));
        if (manager == null) {
            throw new IllegalStateException("appender '" + config.appenderName() + "': could not be created");
        }
        return manager;
    }

    void submit(LogEvent event) {
        engine.submit(event);
    }

    void skipped() {
        engine.skipped();
    }

    AppenderMetrics metrics() {
        return engine.metrics();
    }

    @Override
    public void updateData(Object data) {
        codec.swap(((Data) data).codec);
    }

    @Override
    protected boolean releaseSub(long timeout, TimeUnit unit) {
        engine.stop(java.time.Duration.ofNanos(unit.toNanos(Math.max(0, timeout))));
        return true;
    }

    private static final class Data {
        final LoggerContext context;
        final AppenderConfig config;
        final EventCodec<LogEvent> codec;
        final ProducerFactory factory;

        Data(LoggerContext context, AppenderConfig config, EventCodec<LogEvent> codec, ProducerFactory factory) {
            this.context = context;
            this.config = config;
            this.codec = codec;
            this.factory = factory;
        }
    }

    private static final ManagerFactory<KafkaEngineManager, Data> FACTORY = (name, data) -> {
        SwappableCodec codec = new SwappableCodec(data.codec);
        DeliveryEngine<LogEvent> engine = new DeliveryEngine<>(data.config, codec, data.factory, new Status(), null);
        engine.start(); // throws IllegalStateException naming fallbackDir when the spool is unusable
        return new KafkaEngineManager(data.context, name, engine, codec);
    };

    /** Reports through Log4j2's StatusLogger, never through an appender. */
    private static final class Status implements StatusListener {
        private static final StatusLogger LOGGER = StatusLogger.getLogger();

        @Override
        public void info(String message) {
            LOGGER.info(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            LOGGER.warn(message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            LOGGER.error(message, cause);
        }
    }
}
