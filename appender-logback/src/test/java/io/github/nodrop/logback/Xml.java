package io.github.nodrop.logback;

/** Logback configurations used by the broker tests; {@code ${...}} placeholders are filled per test. */
final class Xml {

    private Xml() {}

    /** The KAFKA appender as a user writes it, events as their bare message, plus extra settings. */
    static String kafka(String extraSettings) {
        return "<configuration>"
                + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                + "<bootstrapServers>${bootstrap}</bootstrapServers>"
                + "<topic>${topic}</topic>"
                + "<encoder><pattern>%msg</pattern></encoder>"
                + "<fallbackDir>${dir}</fallbackDir>"
                + "<retryInterval>200 ms</retryInterval>"
                + "<producerConfig>linger.ms=5</producerConfig>"
                + extraSettings
                + "</appender>"
                + "<root level='INFO'><appender-ref ref='KAFKA'/></root>"
                + "</configuration>";
    }
}
