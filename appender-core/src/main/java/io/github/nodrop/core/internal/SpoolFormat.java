package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The binary layout of a spool file. A file starts with the 8-byte {@link #MAGIC}, the destination
 * ({@code int topicLength, UTF-8 topic, int partition}, -1 for none); then each record is
 * {@code int length, int crc32c(body), body}, where the body is {@code long timestamp, int keyLength
 * (-1 for none), key, int valueLength, value, int headerCount, then per header: int nameLength, UTF-8
 * name, int valueLength (-1 for null), value}. Values are kept byte for byte, so records with line breaks
 * or binary content replay exactly. The checksum finds a record torn by a crash mid-write.
 *
 * <p>Quarantined records (under {@code quarantine/}) are spool records with one more header, {@link
 * #QUARANTINE_REASON_HEADER}, appended last: why Kafka or the encoder refused them. It is removed when
 * they are sent again.
 */
public final class SpoolFormat {

    public static final byte[] MAGIC = "NDSPOOL1".getBytes(StandardCharsets.US_ASCII);
    /** Bytes before a record's body: its length and checksum. */
    public static final int RECORD_OVERHEAD = 8;
    /** The largest body a reader accepts; anything larger is treated as a tear, not allocated. */
    public static final int MAX_BODY = 256 << 20;
    /** The header a quarantined record carries with the reason, removed before it is sent again. */
    public static final String QUARANTINE_REASON_HEADER = "nodrop.quarantine.reason";

    private SpoolFormat() {}

    /** The file header: magic, topic and fixed partition (-1 for none). */
    public static ByteBuffer fileHeader(String topic, Integer partition) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + name.length + 4);
        buffer.put(MAGIC).putInt(name.length).put(name).putInt(partition == null ? -1 : partition);
        buffer.flip();
        return buffer;
    }

    /** The record framed for the file: length, checksum, body. */
    public static ByteBuffer encode(EncodedRecord record) {
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_OVERHEAD + bodySize(record));
        writeFrame(buffer, record);
        buffer.flip();
        return buffer;
    }

    /** Bytes of the record's body (without length and checksum). */
    public static int bodySize(EncodedRecord record) {
        int size = 8 + 4 + length(record.key()) + 4 + record.value().length + 4;
        for (Header header : record.headers()) {
            size += 4 + utf8Length(header.key()) + 4 + length(header.value());
        }
        return size;
    }

    /** Appends length, checksum and body at the buffer's position, which must have room for them. */
    public static void writeFrame(ByteBuffer buffer, EncodedRecord record) {
        int start = buffer.position();
        int bodySize = bodySize(record);
        buffer.putInt(bodySize).putInt(0);
        writeBody(buffer, record);
        int crc = crc(buffer, start + RECORD_OVERHEAD, bodySize);
        buffer.putInt(start + 4, crc);
    }

    /** Appends the body at the buffer's position. */
    public static void writeBody(ByteBuffer buffer, EncodedRecord record) {
        buffer.putLong(record.timestamp());
        putBytes(buffer, record.key());
        putBytes(buffer, record.value());
        buffer.putInt(record.headers().size());
        for (Header header : record.headers()) {
            putBytes(buffer, header.key().getBytes(StandardCharsets.UTF_8));
            putBytes(buffer, header.value());
        }
    }

    /** The CRC32C of {@code length} bytes from {@code offset}, without moving the buffer's position. */
    public static int crc(ByteBuffer buffer, int offset, int length) {
        ByteBuffer slice = buffer.duplicate();
        slice.limit(offset + length).position(offset);
        CRC32C crc = new CRC32C();
        crc.update(slice);
        return (int) crc.getValue();
    }

    private static int utf8Length(String text) {
        int ascii = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }

    /** Whether the body matches the checksum written before it. */
    public static boolean checksumMatches(byte[] body, int expected) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        return (int) crc.getValue() == expected;
    }

    /** Parses a body whose checksum matched. */
    public static EncodedRecord decode(byte[] body) {
        return decode(ByteBuffer.wrap(body));
    }

    /** Parses a body from the buffer's position; the buffer's position moves past it. */
    public static EncodedRecord decode(ByteBuffer buffer) {
        long timestamp = buffer.getLong();
        byte[] key = getBytes(buffer);
        byte[] value = getBytes(buffer);
        int headerCount = buffer.getInt();
        List<Header> headers = new ArrayList<>(Math.min(headerCount, 64));
        for (int i = 0; i < headerCount; i++) {
            String name = new String(getBytes(buffer), StandardCharsets.UTF_8);
            headers.add(new RecordHeader(name, getBytes(buffer)));
        }
        return new EncodedRecord(key, value == null ? new byte[0] : value, headers, timestamp);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        if (length > buffer.remaining()) {
            throw new IllegalArgumentException(
                    "a field claims " + length + " bytes, " + buffer.remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
