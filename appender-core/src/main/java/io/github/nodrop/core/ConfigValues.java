package io.github.nodrop.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human-friendly sizes and durations used in appender configuration: {@code 64MB},
 * {@code 512 kb}, {@code 1GB}, {@code 1048576}; {@code 10 seconds}, {@code 500ms}, {@code 2 minutes},
 * {@code 10}. Sizes use binary units (1KB = 1024 bytes); a bare number of a duration is milliseconds.
 * Every method throws {@link IllegalArgumentException} with a message that quotes the bad value.
 */
public final class ConfigValues {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g|tb|t)?");
    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|millis|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?");

    private ConfigValues() {}

    public static long parseSize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no size given");
        }
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 64MB, 512KB, 1GB, 1048576)");
        }
        long number = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        int shift;
        switch (unit.charAt(0)) {
            case 'k':
                shift = 10;
                break;
            case 'm':
                shift = 20;
                break;
            case 'g':
                shift = 30;
                break;
            case 't':
                shift = 40;
                break;
            default:
                shift = 0;
        }
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return number << shift;
    }

    public static Duration parseDuration(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no duration given");
        }
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (examples: 10 seconds, 500 ms, 2 minutes)");
        }
        long number = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        if (unit.startsWith("ms") || unit.startsWith("milli")) {
            return Duration.ofMillis(number);
        }
        if (unit.startsWith("s")) {
            return Duration.ofSeconds(number);
        }
        if (unit.startsWith("m")) {
            return Duration.ofMinutes(number);
        }
        if (unit.startsWith("h")) {
            return Duration.ofHours(number);
        }
        return Duration.ofDays(number);
    }

    /**
     * Whether a property's value must never be printed: Kafka's own definition of the producer, consumer or
     * admin setting says it is a password (ssl.keystore.key, ssl.truststore.certificates, sasl.jaas.config,
     * ...), or its name looks like a secret.
     */
    public static boolean isSecret(String propertyName) {
        if (propertyName == null) {
            return false;
        }
        for (org.apache.kafka.common.config.ConfigDef definition : new org.apache.kafka.common.config.ConfigDef[] {
            org.apache.kafka.clients.producer.ProducerConfig.configDef(),
            org.apache.kafka.clients.consumer.ConsumerConfig.configDef(),
            org.apache.kafka.clients.admin.AdminClientConfig.configDef()
        }) {
            org.apache.kafka.common.config.ConfigDef.ConfigKey key =
                    definition.configKeys().get(propertyName);
            if (key != null && key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        String name = propertyName.toLowerCase(Locale.ROOT);
        return name.contains("certificates")
                || name.contains("password")
                || name.contains("secret")
                || name.contains("jaas")
                || name.contains("token")
                || name.contains("credential")
                || name.endsWith(".key");
    }

    /** The value as it may appear in a message: secrets replaced by {@code [hidden]}. */
    public static String printable(String propertyName, Object value) {
        return isSecret(propertyName) ? "[hidden]" : String.valueOf(value);
    }
}
