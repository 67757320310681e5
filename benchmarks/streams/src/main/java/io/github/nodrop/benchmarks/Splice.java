package io.github.nodrop.benchmarks;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cheapest enrichment Kafka Streams can be given for the benchmark: no parser, bytes only. A value is
 * taken as a JSON object when its first and last non-whitespace bytes are {@code {} and {@code }}; the
 * member {@code ,"hash":"<md5 hex>"} is spliced in before that last brace, so for well-formed input the
 * output is byte for byte nodrop's.
 *
 * <p>What it skips, and nodrop's {@code JsonEnricher} does not: it does not validate the JSON (anything
 * between the braces passes, {@code {"a":}} or {@code {"a":1} {"b":2}} included), nor the UTF-8; it does
 * not remove a top-level {@code hash} already there (the output then has two); it has no nesting limit to
 * enforce because it does not look inside. Around it, the Kafka Streams contender does not check record
 * sizes against the output topic's limit (a record the broker refuses fails the task under Kafka Streams'
 * default production exception handler) and adds no headers to dead letters (nodrop adds the reason and
 * the source topic, partition and offset).
 */
final class Splice {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final byte[] MEMBER = {',', '"', 'h', 'a', 's', 'h', '"', ':', '"'};

    private Splice() {}

    /** First and last non-whitespace bytes are braces: the whole check. */
    static boolean looksLikeObject(byte[] value) {
        if (value == null) {
            return false;
        }
        int first = 0;
        while (first < value.length && whitespace(value[first])) {
            first++;
        }
        int last = value.length - 1;
        while (last > first && whitespace(value[last])) {
            last--;
        }
        return last > first && value[first] == '{' && value[last] == '}';
    }

    /** The value with {@code "hash"} spliced in before its last brace; call after {@link #looksLikeObject}. */
    static byte[] enrich(byte[] value) {
        int close = value.length - 1;
        while (value[close] != '}') {
            close--;
        }
        int before = close - 1;
        while (whitespace(value[before])) {
            before--;
        }
        boolean empty = value[before] == '{'; // "{}": no comma
        byte[] digest = MD5.get().digest(value);
        int member = empty ? MEMBER.length - 1 : MEMBER.length;
        byte[] out = new byte[value.length + member + 33];
        System.arraycopy(value, 0, out, 0, close);
        System.arraycopy(MEMBER, empty ? 1 : 0, out, close, member);
        int at = close + member;
        for (byte b : digest) {
            out[at++] = HEX[(b >> 4) & 0xf];
            out[at++] = HEX[b & 0xf];
        }
        out[at++] = '"';
        System.arraycopy(value, close, out, at, value.length - close);
        return out;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
