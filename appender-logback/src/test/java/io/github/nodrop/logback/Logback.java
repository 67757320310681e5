package io.github.nodrop.logback;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test helpers: a fresh Logback context configured from XML text, and reading what arrived. */
final class Logback {

    private Logback() {}

    /** Configures a new context from XML where {@code ${name}} placeholders are replaced first. */
    static LoggerContext configure(String xml, Map<String, String> values) {
        String text = xml;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            text = text.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        LoggerContext context = newContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    /** A context of its own that shares SLF4J's MDC, as an application's context does. */
    static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setName("test-" + System.nanoTime());
        try { // Logback 1.3.8 and later; older contexts use SLF4J's MDC by themselves
            LoggerContext.class
                    .getMethod("setMDCAdapter", org.slf4j.spi.MDCAdapter.class)
                    .invoke(context, org.slf4j.MDC.getMDCAdapter());
        } catch (NoSuchMethodException e) {
            // nothing to set
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    static KafkaAppender appender(LoggerContext context, String name) {
        return (KafkaAppender) context.getLogger("ROOT").getAppender(name);
    }

    static List<String> statusMessages(LoggerContext context, int minLevel) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= minLevel)
                .map(Status::getMessage)
                .collect(Collectors.toList());
    }

    /** After a stop: the appender's check that every accepted event has a fate found no difference. */
    static void assertEveryEventHadAFate(LoggerContext context) {
        org.assertj.core.api.Assertions.assertThat(errors(context))
                .as("the appender's accounting at stop")
                .noneMatch(e -> e.contains("have no known fate"));
    }

    static List<String> errors(LoggerContext context) {
        return statusMessages(context, Status.ERROR);
    }

    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }
}
