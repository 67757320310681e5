package io.github.nodrop.core;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * One log event as bytes, ready for Kafka or the spool: key (may be {@code null}), value, headers and
 * timestamp in epoch milliseconds. Immutable by convention: the engine never changes the arrays it is
 * given, and callers must not change them after handing them over.
 */
public final class EncodedRecord {

    private final byte[] key;
    private final byte[] value;
    private final List<Header> headers;
    private final long timestamp;

    public EncodedRecord(byte[] key, byte[] value, List<Header> headers, long timestamp) {
        this.key = key;
        this.value = Objects.requireNonNull(value, "value");
        this.headers = headers == null || headers.isEmpty() ? Collections.emptyList() : List.copyOf(headers);
        this.timestamp = timestamp;
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    public List<Header> headers() {
        return headers;
    }

    public long timestamp() {
        return timestamp;
    }

    /** Bytes this record occupies, near enough for memory and disk accounting. */
    public int sizeInBytes() {
        int size = 32 + value.length + (key == null ? 0 : key.length);
        for (Header header : headers) {
            size += 8 + header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
