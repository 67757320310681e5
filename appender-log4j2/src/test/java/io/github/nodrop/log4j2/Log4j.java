package io.github.nodrop.log4j2;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;

/** Test helpers: a fresh Log4j2 context from XML text, and what the StatusLogger said meanwhile. */
final class Log4j {

    private Log4j() {}

    static LoggerContext configure(String xml, Map<String, String> values) {
        String text = xml;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            text = text.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        LoggerContext context = new LoggerContext("test-" + System.nanoTime());
        try {
            ConfigurationSource source =
                    new ConfigurationSource(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            context.start(new XmlConfiguration(context, source));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    static NodropKafkaAppender appender(LoggerContext context, String name) {
        return context.getConfiguration().getAppender(name);
    }

    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    /** Collects StatusLogger messages at WARN (or the given level) and above until closed. */
    static final class StatusCapture implements AutoCloseable {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final Level level;
        private final StatusListener listener = new StatusListener() {
            @Override
            public void log(StatusData data) {
                messages.add(data.getLevel() + " " + data.getMessage().getFormattedMessage());
            }

            @Override
            public Level getStatusLevel() {
                return level;
            }

            @Override
            public void close() {}
        };

        StatusCapture() {
            this(Level.WARN);
        }

        StatusCapture(Level level) {
            this.level = level;
            StatusLogger.getLogger().registerListener(listener);
        }

        @Override
        public void close() {
            StatusLogger.getLogger().removeListener(listener);
        }
    }

    /** The appender as a user writes it, events as their bare message. */
    static String kafka(String attributes, String extraElements) {
        return "<Configuration status='WARN'><Appenders>"
                + "<NodropKafka name='KAFKA' bootstrapServers='${bootstrap}' topic='${topic}' fallbackDir='${dir}'"
                + " retryInterval='200 ms' " + attributes + ">"
                + "<PatternLayout pattern='%m'/>"
                + extraElements
                + "</NodropKafka></Appenders>"
                + "<Loggers><Root level='INFO'><AppenderRef ref='KAFKA'/></Root></Loggers></Configuration>";
    }
}
