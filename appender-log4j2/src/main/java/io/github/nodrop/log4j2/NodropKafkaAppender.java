package io.github.nodrop.log4j2;

import io.github.nodrop.core.AppenderConfig;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.ProducerFactory;
import io.github.nodrop.core.RecursionGuard;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;
import org.apache.logging.log4j.core.impl.LocationAware;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

/**
 * A Log4j2 appender ({@code <NodropKafka>}) that ships events to Kafka without ever blocking the logging
 * thread and without losing events: the calling thread hands an immutable copy of the event to a bounded
 * buffer and returns; a background sender delivers it; what Kafka cannot take goes to fallback files
 * under {@code fallbackDir} and is replayed when Kafka is back.
 *
 * <p>{@link Builder#build()} checks every setting and reports each problem to the {@code StatusLogger}
 * naming the appender and the setting, returning {@code null} so Log4j2 leaves the appender out. It never
 * contacts Kafka. Events from Kafka's own loggers and from nodrop's or Kafka's threads are never sent.
 */
@Plugin(
        name = NodropKafkaAppender.PLUGIN_NAME,
        category = Core.CATEGORY_NAME,
        elementType = Appender.ELEMENT_TYPE,
        printObject = true)
public final class NodropKafkaAppender extends AbstractAppender {

    public static final String PLUGIN_NAME = "NodropKafka";

    private final KafkaEngineManager manager;
    private final boolean includeLocation;
    private final Configuration configuration;

    private NodropKafkaAppender(
            String name,
            org.apache.logging.log4j.core.Filter filter,
            Layout<? extends Serializable> layout,
            boolean ignoreExceptions,
            KafkaEngineManager manager,
            boolean includeLocation,
            Configuration configuration) {
        super(name, filter, layout, ignoreExceptions, Property.EMPTY_ARRAY);
        this.manager = manager;
        this.includeLocation = includeLocation;
        this.configuration = configuration;
    }

    @PluginBuilderFactory
    public static <B extends Builder<B>> B newBuilder() {
        return new Builder<B>().asBuilder();
    }

    @Override
    public void append(LogEvent event) {
        if (RecursionGuard.mustSkip(event.getLoggerName())) {
            manager.skipped();
            return;
        }
        LogEvent snapshot;
        if (includeLocation) {
            event.getSource(); // here, on the caller's stack, not later on the sender's
            snapshot = event.toImmutable();
        } else {
            // Log4j2's synchronous loggers default to includeLocation=true, and toImmutable() then walks
            // the stack for a location no layout of this appender reads (most of a call's cost, profiled)
            boolean was = event.isIncludeLocation();
            event.setIncludeLocation(false);
            try {
                snapshot = event.toImmutable();
            } finally {
                event.setIncludeLocation(was); // other appenders of this event see it as it was
            }
        }
        if (snapshot.getMessage() != null) {
            snapshot.getMessage().getFormattedMessage(); // format now, while the arguments are as logged
        }
        manager.submit(snapshot);
    }

    /**
     * Stops within {@code shutdownTimeout}, or within the {@code shutdownTimeout} of the Log4j2
     * configuration when the user set a shorter one. The timeout Log4j2 passes here is not used as such:
     * {@code LogManager.shutdown()} always passes 50 ms, which would send the last events of every run to
     * the spool instead of Kafka.
     */
    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = super.stop(timeout, timeUnit, false);
        long configured = configuration == null ? 0 : configuration.getShutdownTimeoutMillis();
        stopped &= manager.stop(Math.max(0, configured), TimeUnit.MILLISECONDS);
        setStopped();
        return stopped;
    }

    /** The live counters of this appender's engine. */
    public AppenderMetrics getMetrics() {
        return manager.metrics();
    }

    /** Builds the appender from {@code <NodropKafka>} attributes and nested {@code <Property>} elements. */
    public static class Builder<B extends Builder<B>> extends AbstractAppender.Builder<B>
            implements org.apache.logging.log4j.core.util.Builder<NodropKafkaAppender> {

        @PluginBuilderAttribute
        private String bootstrapServers;

        @PluginBuilderAttribute
        private String topic;

        @PluginBuilderAttribute
        private String key;

        @PluginBuilderAttribute
        private Integer partition;

        @PluginBuilderAttribute
        private String mdcHeaders;

        @PluginBuilderAttribute
        private int bufferSize = AppenderConfig.DEFAULT_BUFFER_SIZE;

        @PluginBuilderAttribute
        private String bufferBytes = "16MB";

        @PluginBuilderAttribute
        private String fallbackDir = AppenderConfig.DEFAULT_FALLBACK_DIR;

        @PluginBuilderAttribute
        private String maxFallbackFileSize = "64MB";

        @PluginBuilderAttribute
        private String maxFallbackTotalSize = "1GB";

        @PluginBuilderAttribute
        private boolean replayFallback = AppenderConfig.DEFAULT_REPLAY_FALLBACK;

        @PluginBuilderAttribute
        private String shutdownTimeout = "10 seconds";

        @PluginBuilderAttribute
        private String retryInterval = "1 second";

        @PluginBuilderAttribute
        private boolean includeLocation;

        @PluginBuilderAttribute
        private String overflow = "spool";

        @PluginBuilderAttribute
        private boolean durable;

        @PluginBuilderAttribute
        private String journalSize = "64MB";

        @PluginBuilderAttribute
        private String journalSyncInterval = "0";

        private ProducerFactory producerFactory = ProducerFactory.DEFAULT;

        @Override
        public NodropKafkaAppender build() {
            String name = getName();
            AppenderConfig.Builder settings = AppenderConfig.builder(name)
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
            Property[] properties = getPropertyArray();
            if (properties != null) {
                for (Property property : properties) {
                    settings.producerProperty(property.getName(), property.getValue());
                }
            }
            Configuration configuration = getConfiguration();
            PatternLayout keyLayout = keyLayout(settings, configuration);
            AppenderConfig config;
            try {
                config = settings.build();
            } catch (AppenderConfig.InvalidConfigException e) {
                e.problems().forEach(LOGGER::error);
                LOGGER.error("appender '{}' not created: fix the settings above", name);
                return null;
            }
            Layout<? extends Serializable> layout = getLayout() != null ? getLayout() : defaultLayout(configuration);
            Log4jCodec codec = new Log4jCodec(layout, keyLayout, headerNames());
            KafkaEngineManager manager;
            try {
                manager = KafkaEngineManager.get(
                        configuration == null ? null : configuration.getLoggerContext(),
                        config,
                        codec,
                        producerFactory);
            } catch (IllegalStateException e) {
                LOGGER.error(e.getMessage(), e.getCause());
                return null;
            }
            boolean location = includeLocation || requiresLocation(layout) || requiresLocation(keyLayout);
            return new NodropKafkaAppender(
                    name, getFilter(), layout, isIgnoreExceptions(), manager, location, configuration);
        }

        /** Whether a layout reads the caller's location (a {@code %L}, {@code %C}, a {@code source} resolver). */
        private static boolean requiresLocation(Object layout) {
            return layout instanceof LocationAware && ((LocationAware) layout).requiresLocation();
        }

        private PatternLayout keyLayout(AppenderConfig.Builder settings, Configuration configuration) {
            if (key == null || key.isBlank()) {
                return null;
            }
            try {
                return PatternLayout.newBuilder()
                        .withConfiguration(configuration)
                        .withPattern(key)
                        .build();
            } catch (RuntimeException e) {
                settings.addProblem("key", "'" + key + "' is not a valid pattern: " + e.getMessage());
                return null;
            }
        }

        private List<String> headerNames() {
            List<String> names = new ArrayList<>();
            if (mdcHeaders != null) {
                for (String name : mdcHeaders.split(",")) {
                    if (!name.isBlank()) {
                        names.add(name.trim());
                    }
                }
            }
            return names;
        }

        private static Layout<? extends Serializable> defaultLayout(Configuration configuration) {
            return JsonTemplateLayout.newBuilder()
                    .setConfiguration(configuration)
                    .build();
        }

        public B setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return asBuilder();
        }

        public B setTopic(String topic) {
            this.topic = topic;
            return asBuilder();
        }

        public B setKey(String key) {
            this.key = key;
            return asBuilder();
        }

        public B setPartition(Integer partition) {
            this.partition = partition;
            return asBuilder();
        }

        public B setMdcHeaders(String mdcHeaders) {
            this.mdcHeaders = mdcHeaders;
            return asBuilder();
        }

        public B setBufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
            return asBuilder();
        }

        public B setBufferBytes(String bufferBytes) {
            this.bufferBytes = bufferBytes;
            return asBuilder();
        }

        public B setFallbackDir(String fallbackDir) {
            this.fallbackDir = fallbackDir;
            return asBuilder();
        }

        public B setMaxFallbackFileSize(String maxFallbackFileSize) {
            this.maxFallbackFileSize = maxFallbackFileSize;
            return asBuilder();
        }

        public B setMaxFallbackTotalSize(String maxFallbackTotalSize) {
            this.maxFallbackTotalSize = maxFallbackTotalSize;
            return asBuilder();
        }

        public B setReplayFallback(boolean replayFallback) {
            this.replayFallback = replayFallback;
            return asBuilder();
        }

        public B setShutdownTimeout(String shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return asBuilder();
        }

        public B setRetryInterval(String retryInterval) {
            this.retryInterval = retryInterval;
            return asBuilder();
        }

        public B setOverflow(String overflow) {
            this.overflow = overflow;
            return asBuilder();
        }

        public B setDurable(boolean durable) {
            this.durable = durable;
            return asBuilder();
        }

        public B setJournalSize(String journalSize) {
            this.journalSize = journalSize;
            return asBuilder();
        }

        public B setJournalSyncInterval(String journalSyncInterval) {
            this.journalSyncInterval = journalSyncInterval;
            return asBuilder();
        }

        public B setIncludeLocation(boolean includeLocation) {
            this.includeLocation = includeLocation;
            return asBuilder();
        }

        /** The producer factory; tests inject one that returns a {@code MockProducer}. */
        public B setProducerFactory(ProducerFactory producerFactory) {
            this.producerFactory = producerFactory == null ? ProducerFactory.DEFAULT : producerFactory;
            return asBuilder();
        }
    }
}
