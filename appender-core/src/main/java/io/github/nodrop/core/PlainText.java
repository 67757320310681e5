package io.github.nodrop.core;

import java.time.Instant;

/**
 * The plain-text line an event is kept as when its encoder or layout threw: {@code <ISO time> <LEVEL>
 * [<thread>] <logger> - <message>}, then {@code | <exception>} when there is one. Made without the user's
 * encoder, so it works when that is what failed.
 */
public final class PlainText {

    private PlainText() {}

    public static String line(
            long epochMillis, Object level, String thread, String logger, String message, String throwable) {
        StringBuilder text = new StringBuilder()
                .append(Instant.ofEpochMilli(epochMillis))
                .append(' ')
                .append(level)
                .append(" [")
                .append(thread)
                .append("] ")
                .append(logger)
                .append(" - ")
                .append(message);
        if (throwable != null) {
            text.append(" | ").append(throwable);
        }
        return text.toString();
    }
}
