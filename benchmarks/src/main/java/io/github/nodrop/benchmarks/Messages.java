package io.github.nodrop.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark's log messages: {@value #SIZE} ASCII bytes each, carrying a ten-digit sequence number so
 * that a reader of the topic or file can count distinct events and find the missing ones.
 */
final class Messages {

    static final int SIZE = 100;
    private static final String MARK = "seq=";
    private static final String HEAD = "bench event " + MARK;
    private static final String PADDING = " user=alice action=checkout cart=3 total=42.00 region=eu-west ok".repeat(2);

    private Messages() {}

    /** The message of event {@code seq}, exactly {@value #SIZE} bytes. */
    static String message(int seq) {
        String number = String.valueOf(seq);
        StringBuilder text = new StringBuilder(SIZE).append(HEAD);
        for (int i = number.length(); i < 10; i++) {
            text.append('0');
        }
        text.append(number);
        text.append(PADDING, 0, SIZE - text.length());
        return text.toString();
    }

    /** The sequence number in a delivered message, or -1 when the bytes are not a benchmark event. */
    static int sequence(byte[] value) {
        return sequence(new String(value, StandardCharsets.US_ASCII));
    }

    static int sequence(CharSequence text) {
        int at = indexOf(text, MARK);
        if (at < 0 || at + MARK.length() + 10 > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = at + MARK.length(), end = i + 10; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int indexOf(CharSequence text, String needle) {
        return text.toString().indexOf(needle);
    }
}
