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
 */
public final class SpoolFormat {

    public static final byte[] MAGIC = "NDSPOOL1".getBytes(StandardCharsets.US_ASCII);
    /** Bytes before a record's body: its length and checksum. */
    public static final int RECORD_OVERHEAD = 8;
    /** The largest body a reader accepts; anything larger is treated as a tear, not allocated. */
    public static final int MAX_BODY = 256 << 20;

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
        List<byte[]> names = new ArrayList<>(record.headers().size());
        int bodySize = 8 + 4 + length(record.key()) + 4 + record.value().length + 4;
        for (Header header : record.headers()) {
            byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            bodySize += 4 + name.length + 4 + length(header.value());
        }
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_OVERHEAD + bodySize);
        buffer.putInt(bodySize).putInt(0);
        buffer.putLong(record.timestamp());
        putBytes(buffer, record.key());
        putBytes(buffer, record.value());
        buffer.putInt(record.headers().size());
        for (int i = 0; i < names.size(); i++) {
            putBytes(buffer, names.get(i));
            putBytes(buffer, record.headers().get(i).value());
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), RECORD_OVERHEAD, bodySize);
        buffer.putInt(4, (int) crc.getValue());
        buffer.flip();
        return buffer;
    }

    /** Whether the body matches the checksum written before it. */
    public static boolean checksumMatches(byte[] body, int expected) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        return (int) crc.getValue() == expected;
    }

    /** Parses a body whose checksum matched. */
    public static EncodedRecord decode(byte[] body) {
        ByteBuffer buffer = ByteBuffer.wrap(body);
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
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
