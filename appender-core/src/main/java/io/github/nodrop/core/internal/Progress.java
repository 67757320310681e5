package io.github.nodrop.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The record indexes of one spool file that a replay already settled, kept beside the file as
 * {@code <file>.settled} when a replay is interrupted (Kafka went away again, the appender stopped), so
 * the next replay neither sends them twice nor quarantines a refused record twice. Losing this file only
 * costs duplicates, never records: it is written to a temporary name and renamed into place.
 */
public final class Progress {

    private static final int MAGIC = 0x4e445331; // "NDS1"

    private Progress() {}

    /** Where the progress of a spool file is kept. */
    public static Path of(Path spoolFile) {
        return spoolFile.resolveSibling(spoolFile.getFileName() + Spool.PROGRESS);
    }

    /** The settled indexes in a progress file; empty if there is none or it is unreadable. */
    public static BitSet read(Path path, FileOps ops) {
        try (FileChannel channel = ops.openRead(path)) {
            long size = channel.size();
            if (size < 8 || size > (64L << 20) || (size - 8) % 8 != 0) {
                return new BitSet();
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read it all
            }
            buffer.flip();
            if (buffer.getInt() != MAGIC) {
                return new BitSet();
            }
            int words = buffer.getInt();
            if (words * 8L != size - 8) {
                return new BitSet();
            }
            long[] bits = new long[words];
            for (int i = 0; i < words; i++) {
                bits[i] = buffer.getLong();
            }
            return BitSet.valueOf(bits);
        } catch (NoSuchFileException e) {
            return new BitSet();
        } catch (IOException | RuntimeException e) {
            return new BitSet(); // unreadable: replay sends them again (duplicates, never loss)
        }
    }

    static void write(Path path, BitSet settled, FileOps ops) {
        long[] bits = settled.toLongArray();
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8 * bits.length);
        buffer.putInt(MAGIC).putInt(bits.length);
        for (long word : bits) {
            buffer.putLong(word);
        }
        buffer.flip();
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            ops.deleteIfExists(temporary);
            try (FileChannel channel = ops.create(temporary)) {
                while (buffer.hasRemaining()) {
                    ops.write(channel, buffer);
                }
            }
            ops.moveAtomically(temporary, path);
        } catch (IOException | RuntimeException e) {
            try {
                ops.deleteIfExists(temporary);
            } catch (IOException | RuntimeException ignored) {
                // harmless leftover
            }
        }
    }
}
