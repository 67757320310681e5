package io.github.nodrop.examples.springboot;

import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.logback.KafkaAppender;
import io.github.nodrop.micrometer.NodropMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A Spring Boot application whose logs go to Kafka through the {@code KAFKA} appender of {@code
 * logback-spring.xml}, with that appender's counters on {@code /actuator/metrics}.
 */
@SpringBootApplication
@EnableScheduling
public class ExampleApplication {

    /** The appender's name in {@code logback-spring.xml}; the meters carry it as their {@code appender} tag. */
    public static final String KAFKA_APPENDER = "KAFKA";

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** Actuator binds every {@code MeterBinder} bean to its registry. */
    @Bean
    NodropMetrics nodropMetrics() {
        return new NodropMetrics(KAFKA_APPENDER, () -> metricsOf(KAFKA_APPENDER));
    }

    /**
     * The counters of the appender of that name, or {@code null} while there is none. Looked up on every scrape
     * rather than once: a Logback reconfiguration replaces the appender with a new one.
     */
    static AppenderMetrics metricsOf(String appenderName) {
        KafkaAppender kafka = kafkaAppender(appenderName);
        return kafka == null ? null : kafka.getMetrics();
    }

    /** The {@link KafkaAppender} of that name on the root logger, or {@code null} while Logback has none. */
    static KafkaAppender kafkaAppender(String appenderName) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(appenderName)
                        instanceof KafkaAppender kafka) {
            return kafka;
        }
        return null;
    }
}
