package io.github.nodrop.benchmarks;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The kill scenario's record of which calls returned: one slot per logging thread in a memory-mapped file,
 * holding the sequence number of the thread's last call that returned (-1 before the first). A store into
 * a mapped file is in the page cache as soon as it is made, so the slots outlive a {@code kill -9} of the
 * process that wrote them, with no write or flush on the logging path.
 */
final class ProgressFile {

    /** A cache line per thread, so the threads do not write to each other's lines. */
    private static final int SLOT = 64;

    private final MappedByteBuffer map;

    private ProgressFile(MappedByteBuffer map) {
        this.map = map;
    }

    /** Creates the file (before the contender starts), every slot at -1. */
    static void create(Path file, int threads) throws IOException {
        ProgressFile progress = open(file, threads);
        for (int t = 0; t < threads; t++) {
            progress.returned(t, -1);
        }
        progress.map.force();
    }

    static ProgressFile open(Path file, int threads) throws IOException {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new ProgressFile(channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) SLOT * threads));
        }
    }

    /** Records that the call logging {@code seq} returned; a plain store, made by thread {@code t} only. */
    void returned(int t, long seq) {
        map.putLong(t * SLOT, seq);
    }

    /** The last sequence number each thread recorded, read after the writer is gone. */
    static long[] read(Path file, int threads) throws IOException {
        ProgressFile progress = open(file, threads);
        long[] last = new long[threads];
        for (int t = 0; t < threads; t++) {
            last[t] = progress.map.getLong(t * SLOT);
        }
        return last;
    }
}
