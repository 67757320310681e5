package io.github.nodrop.transformer;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration grammar of the command line, the same as the appenders' settings: a number and a unit
 * ({@code 500ms}, {@code 5s}, {@code 10 seconds}, {@code 1m}, {@code 2 minutes}, {@code 1h}, {@code 1d});
 * a bare number is milliseconds, as in Logback and in Kafka's own {@code *.ms} settings.
 */
final class Durations {

    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|millis|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?");

    private Durations() {}

    static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 5s, 1m)");
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
        return unit.startsWith("h") ? Duration.ofHours(number) : Duration.ofDays(number);
    }
}
