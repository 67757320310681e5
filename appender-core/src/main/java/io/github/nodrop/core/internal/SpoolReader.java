package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the records of one spool file in order. A record that is cut short or fails its checksum ends
 * the file: {@link #next()} returns {@code null} and {@link #tear()} describes where and why, so the
 * caller reports it instead of sending garbage. Not thread-safe.
 */
public final class SpoolReader implements Closeable {

    private final Path path;
    private final DataInputStream in;
    private long offset;
    private String tear;
    private String topic;
    private Integer partition;
    private boolean done;

    /** Reads through a channel the caller owns (and keeps locked); closing the reader leaves it open. */
    public SpoolReader(Path path, FileChannel channel) throws IOException {
        this.path = path;
        channel.position(0);
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
        byte[] magic = new byte[SpoolFormat.MAGIC.length];
        int read = in.readNBytes(magic, 0, magic.length);
        offset = read;
        if (read == 0) {
            done = true; // an empty file: its writer died before the header
        } else if (read < magic.length || !Arrays.equals(magic, SpoolFormat.MAGIC)) {
            done = true;
            tear = "not a nodrop spool file (bad header)";
        } else {
            byte[] fixed = new byte[4];
            int topicLength = in.readNBytes(fixed, 0, 4) == 4
                    ? java.nio.ByteBuffer.wrap(fixed).getInt()
                    : -1;
            byte[] name = topicLength >= 0 && topicLength <= 1024 ? new byte[topicLength] : null;
            if (name == null || in.readNBytes(name, 0, name.length) < name.length || in.readNBytes(fixed, 0, 4) < 4) {
                done = true;
                tear = "file header is cut short";
            } else {
                topic = new String(name, java.nio.charset.StandardCharsets.UTF_8);
                int fixedPartition = java.nio.ByteBuffer.wrap(fixed).getInt();
                partition = fixedPartition < 0 ? null : fixedPartition;
                offset += 8 + name.length;
            }
        }
    }

    /** The topic the records were meant for, or {@code null} if the header is unreadable. */
    public String topic() {
        return topic;
    }

    /** The fixed partition the records were meant for, or {@code null}. */
    public Integer partition() {
        return partition;
    }

    /** The next record, or {@code null} at the end of the file or at a tear. */
    public EncodedRecord next() throws IOException {
        if (done) {
            return null;
        }
        long start = offset;
        byte[] frame = new byte[SpoolFormat.RECORD_OVERHEAD];
        int framed = in.readNBytes(frame, 0, frame.length);
        if (framed == 0) {
            done = true;
            return null;
        }
        if (framed < frame.length) {
            done = true;
            tear = "record at byte " + start + " is cut short (" + framed + " bytes of its frame)";
            return null;
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(frame);
        int length = header.getInt();
        int crc = header.getInt();
        offset += SpoolFormat.RECORD_OVERHEAD;
        if (length < 0 || length > SpoolFormat.MAX_BODY) {
            done = true;
            tear = "record at byte " + start + " has an impossible length " + length;
            return null;
        }
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        offset += read;
        if (read < length) {
            done = true;
            tear = "record at byte " + start + " is cut short (" + read + " of " + length + " bytes)";
            return null;
        }
        if (!SpoolFormat.checksumMatches(body, crc)) {
            done = true;
            tear = "record at byte " + start + " fails its checksum";
            return null;
        }
        try {
            return SpoolFormat.decode(body);
        } catch (RuntimeException e) {
            done = true;
            tear = "record at byte " + start + " cannot be parsed: " + e;
            return null;
        }
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
