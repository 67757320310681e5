package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the records of one spool file in order. A record that is cut short or fails its checksum ends
 * the file: {@link #next()} returns {@code null} and {@link #tear()} describes where and why, so the
 * caller reports it instead of sending garbage.
 *
 * <p>Reads are positional, so the channel's own position (which a writer may be using) never moves, and
 * a record's length is checked against the bytes the file really has before anything is allocated: a
 * corrupt length field costs nothing. Not thread-safe.
 */
public final class SpoolReader implements Closeable {

    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer frame = ByteBuffer.allocate(SpoolFormat.RECORD_OVERHEAD);
    private long offset;
    private long records;
    private String tear;
    private String topic;
    private Integer partition;
    private boolean done;

    /** Reads through a channel the caller owns (and may keep locked); closing the reader leaves it open. */
    public SpoolReader(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        readHeader();
    }

    private void readHeader() throws IOException {
        if (size == 0) {
            done = true; // an empty file: its writer died before the header
            return;
        }
        ByteBuffer magic = ByteBuffer.allocate(SpoolFormat.MAGIC.length + 4);
        if (readFully(magic, 0) < magic.capacity()
                || !ByteBuffer.wrap(SpoolFormat.MAGIC).equals(magic.flip().limit(SpoolFormat.MAGIC.length))) {
            done = true;
            tear = "not a nodrop spool file (bad header)";
            return;
        }
        int topicLength = magic.limit(magic.capacity()).getInt(SpoolFormat.MAGIC.length);
        if (topicLength < 0 || topicLength > 1024 || size < magic.capacity() + topicLength + 4L) {
            done = true;
            tear = "file header is cut short";
            return;
        }
        ByteBuffer rest = ByteBuffer.allocate(topicLength + 4);
        readFully(rest, magic.capacity());
        rest.flip();
        byte[] name = new byte[topicLength];
        rest.get(name);
        topic = new String(name, StandardCharsets.UTF_8);
        int fixedPartition = rest.getInt();
        partition = fixedPartition < 0 ? null : fixedPartition;
        offset = magic.capacity() + rest.capacity();
    }

    /** The topic the records were meant for, or {@code null} if the header is unreadable. */
    public String topic() {
        return topic;
    }

    /** The fixed partition the records were meant for, or {@code null}. */
    public Integer partition() {
        return partition;
    }

    /** Records returned so far. */
    public long records() {
        return records;
    }

    /** The byte offset where the next record starts. */
    public long offset() {
        return offset;
    }

    /** The next record, or {@code null} at the end of the file or at a tear. */
    public EncodedRecord next() throws IOException {
        if (done) {
            return null;
        }
        long start = offset;
        long left = size - start;
        if (left == 0) {
            done = true;
            return null;
        }
        if (left < SpoolFormat.RECORD_OVERHEAD) {
            return torn("record at byte " + start + " is cut short (" + left + " bytes of its frame)");
        }
        frame.clear();
        readFully(frame, start);
        int length = frame.getInt(0);
        int crc = frame.getInt(4);
        if (length < 0 || length > SpoolFormat.MAX_BODY) {
            return torn("record at byte " + start + " has an impossible length " + length);
        }
        if (length > left - SpoolFormat.RECORD_OVERHEAD) {
            return torn("record at byte " + start + " is cut short (" + (left - SpoolFormat.RECORD_OVERHEAD) + " of "
                    + length + " bytes)");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(body, start + SpoolFormat.RECORD_OVERHEAD);
        if (SpoolFormat.crc(body, 0, length) != crc) {
            return torn("record at byte " + start + " fails its checksum");
        }
        try {
            EncodedRecord record = SpoolFormat.decode(body.flip());
            offset = start + SpoolFormat.RECORD_OVERHEAD + length;
            records++;
            return record;
        } catch (RuntimeException e) {
            return torn("record at byte " + start + " cannot be parsed: " + e);
        }
    }

    private EncodedRecord torn(String why) {
        done = true;
        tear = why;
        return null;
    }

    private int readFully(ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int limit = buffer.limit();
            buffer.limit(Math.min(limit, buffer.position() + CHUNK));
            int read = channel.read(buffer, position + total);
            buffer.limit(limit);
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    /** What stopped the read before the end, or {@code null} if the file was whole. */
    public String tear() {
        return tear == null ? null : path.getFileName() + ": " + tear;
    }

    @Override
    public void close() {
        // the channel belongs to the caller
    }
}
