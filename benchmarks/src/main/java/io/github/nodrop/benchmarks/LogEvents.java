package io.github.nodrop.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The transformer benchmark's input: ECS-like JSON log events of about 300 bytes, one line each with the
 * trailing newline an encoder writes ({@code @timestamp}, {@code log.level}, {@code event.sequence}, {@code
 * message}, {@code process.thread.name}, {@code log.logger} and a {@code labels} map of two entries, a request
 * id and a customer, what an MDC holds), varied by sequence number: level, thread, logger, message and its
 * length, request id, customer. A given percentage is not JSON: half of those a plain-text log line (a
 * pattern layout where a JSON one was meant), half a JSON event cut off two thirds of the way (a truncated
 * write). Every event is a pure function of its sequence number, so the harness can regenerate any of them
 * to check what the contenders wrote.
 */
final class LogEvents {

    private static final long BASE_MILLIS = 1_796_000_000_123L;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TEXT_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String[] LOGGERS = {
        "com.example.orders.OrderService",
        "com.example.orders.OrderController",
        "com.example.payments.PaymentClient",
        "com.example.inventory.StockClient",
        "org.springframework.web.servlet.DispatcherServlet",
        "com.zaxxer.hikari.pool.HikariPool",
    };
    private static final byte[] SEQUENCE_NAME = "\"event.sequence\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_SEQUENCE = " seq=".getBytes(StandardCharsets.US_ASCII);

    private final int malformedPercent;

    LogEvents(int malformedPercent) {
        if (malformedPercent < 0 || malformedPercent > 100) {
            throw new IllegalArgumentException("malformed percentage must be 0-100: " + malformedPercent);
        }
        this.malformedPercent = malformedPercent;
    }

    /** Whether event {@code seq} is not JSON (it belongs in the dead-letter topic). */
    boolean malformed(long seq) {
        return seq % 100 < malformedPercent;
    }

    /** The value bytes of event {@code seq}, as the harness writes it to the input topic. */
    byte[] event(long seq) {
        if (!malformed(seq)) {
            return json(seq).getBytes(StandardCharsets.UTF_8);
        }
        if ((seq / 100) % 2 == 0) {
            return text(seq).getBytes(StandardCharsets.UTF_8);
        }
        byte[] whole = json(seq).getBytes(StandardCharsets.UTF_8);
        int cut = whole.length * 2 / 3;
        while (whole[cut - 1] == '}' || whole[cut - 1] == ' ' || whole[cut - 1] == '\n') {
            cut--; // never end on a closing brace: a truncated event must not look complete at a glance
        }
        return java.util.Arrays.copyOf(whole, cut);
    }

    /** The sequence number a value carries (an event, its output or its dead letter), or -1. */
    static long sequence(byte[] value) {
        int at = indexOf(value, SEQUENCE_NAME, 0);
        if (at < 0) {
            at = indexOf(value, TEXT_SEQUENCE, 0);
            if (at < 0) {
                return -1;
            }
            at += TEXT_SEQUENCE.length;
        } else {
            at += SEQUENCE_NAME.length;
        }
        long seq = 0;
        int digits = 0;
        while (at < value.length && value[at] >= '0' && value[at] <= '9' && digits < 18) {
            seq = seq * 10 + (value[at++] - '0');
            digits++;
        }
        return digits == 0 ? -1 : seq;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int lastIndexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String json(long seq) {
        long h = mix(seq);
        long h2 = mix(h);
        int logger = (int) Math.floorMod(h, (long) LOGGERS.length);
        StringBuilder s = new StringBuilder(360);
        s.append("{\"@timestamp\":\"")
                .append(TIMESTAMP.format(Instant.ofEpochMilli(BASE_MILLIS + seq * 3)))
                .append("\",\"log.level\":\"")
                .append(level(h))
                .append("\",\"event.sequence\":")
                .append(seq)
                .append(",\"message\":\"");
        message(s, seq, h);
        s.append("\",\"process.thread.name\":\"")
                .append(thread(h))
                .append("\",\"log.logger\":\"")
                .append(LOGGERS[logger])
                .append("\",\"labels\":{\"requestId\":\"");
        hex16(s, mix(h2));
        s.append("\",\"customer\":\"c-")
                .append(Math.floorMod(h2 >>> 20, 10_000L))
                .append("\"}}\n");
        return s.toString();
    }

    private static String text(long seq) {
        long h = mix(seq);
        StringBuilder s = new StringBuilder(200);
        s.append(TEXT_TIMESTAMP.format(Instant.ofEpochMilli(BASE_MILLIS + seq * 3)))
                .append(' ')
                .append(level(h))
                .append(" [")
                .append(thread(h))
                .append("] ")
                .append(LOGGERS[(int) Math.floorMod(h, (long) LOGGERS.length)])
                .append(" - ");
        message(s, seq, h);
        return s.append(" seq=").append(seq).append('\n').toString();
    }

    private static String level(long h) {
        int roll = (int) Math.floorMod(h >>> 8, 100L);
        return roll < 80 ? "INFO" : roll < 88 ? "DEBUG" : roll < 97 ? "WARN" : "ERROR";
    }

    private static String thread(long h) {
        int t = (int) Math.floorMod(h >>> 16, 14L);
        return t < 12 ? "http-nio-8080-exec-" + (t + 1) : t == 12 ? "scheduling-1" : "kafka-consumer-orders-0";
    }

    private static void message(StringBuilder s, long seq, long h) {
        long order = 100_000 + seq;
        int ms = 1 + (int) Math.floorMod(h >>> 24, 900L);
        switch ((int) Math.floorMod(h >>> 36, 6L)) {
            case 0:
                s.append("Order A-").append(order).append(" accepted");
                break;
            case 1:
                s.append("Payment for order A-")
                        .append(order)
                        .append(" authorized in ")
                        .append(ms)
                        .append(" ms");
                break;
            case 2:
                s.append("GET /api/orders/A-")
                        .append(order)
                        .append(" 200 in ")
                        .append(ms)
                        .append(" ms");
                break;
            case 3:
                s.append("Stock reserved for A-").append(order).append(" in warehouse \\\"berlin-2\\\"");
                break;
            case 4:
                s.append("Retrying inventory-service (attempt ")
                        .append(1 + ms % 5)
                        .append(" of 5): connection reset");
                break;
            default:
                s.append("Cache miss for product:")
                        .append(ms * 7)
                        .append(", loaded in ")
                        .append(ms)
                        .append(" ms");
        }
    }

    private static void hex16(StringBuilder s, long h) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            s.append(Character.forDigit((int) (h >>> shift) & 0xf, 16));
        }
    }

    /** SplitMix64's finalizer: a well-spread 64-bit hash of the sequence number. */
    private static long mix(long x) {
        long z = x + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
