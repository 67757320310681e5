package io.github.nodrop.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileOps} that breaks the way disks do, on demand: a chosen call of a chosen operation (and the
 * next {@code times} ones) throws an {@link IOException} with the message the kernel would give, and a
 * disk of a fixed size writes what fits and then fails with ENOSPC, as a real full disk does.
 */
public class FaultyFileOps implements FileOps {

    public static final String ENOSPC = "No space left on device";
    public static final String EIO = "Input/output error";

    /** The operations a fault can be put on. */
    public enum Op {
        CREATE_DIRECTORIES,
        CREATE,
        OPEN,
        WRITE,
        FORCE,
        TRUNCATE,
        MAP,
        LOCK,
        MOVE,
        DELETE,
        LIST
    }

    private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
    private final Map<Op, int[]> faults = new EnumMap<>(Op.class);
    private final Map<Op, String> messages = new EnumMap<>(Op.class);
    private final AtomicLong used = new AtomicLong();
    private volatile long capacity = Long.MAX_VALUE;

    public FaultyFileOps() {
        for (Op op : Op.values()) {
            calls.put(op, new AtomicInteger());
        }
    }

    /** Calls number {@code first} (1-based) to {@code first + times - 1} of {@code op} fail with {@code message}. */
    public synchronized FaultyFileOps failOn(Op op, int first, int times, String message) {
        faults.put(op, new int[] {first, first + times - 1});
        messages.put(op, message);
        return this;
    }

    /** From now on every call of {@code op} fails. */
    public FaultyFileOps failAlways(Op op, String message) {
        return failOn(op, calls(op) + 1, Integer.MAX_VALUE / 2, message);
    }

    /** No more faults. */
    public synchronized FaultyFileOps heal() {
        faults.clear();
        capacity = Long.MAX_VALUE;
        return this;
    }

    /** A disk that holds only {@code bytes} bytes (counted from now, over every file written through this). */
    public FaultyFileOps diskOf(long bytes) {
        capacity = bytes;
        return this;
    }

    public int calls(Op op) {
        return calls.get(op).get();
    }

    public long usedBytes() {
        return used.get();
    }

    private void call(Op op) throws IOException {
        int number = calls.get(op).incrementAndGet();
        int[] range;
        String message;
        synchronized (this) {
            range = faults.get(op);
            message = messages.get(op);
        }
        if (range != null && number >= range[0] && number <= range[1]) {
            throw new IOException(message);
        }
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        call(Op.CREATE_DIRECTORIES);
        FileOps.super.createDirectories(directory);
    }

    @Override
    public FileChannel create(Path path) throws IOException {
        call(Op.CREATE);
        return FileOps.super.create(path);
    }

    @Override
    public FileChannel openReadWrite(Path path) throws IOException {
        call(Op.OPEN);
        return FileOps.super.openReadWrite(path);
    }

    @Override
    public int write(FileChannel channel, ByteBuffer buffer) throws IOException {
        call(Op.WRITE);
        long room = capacity - used.get();
        if (room <= 0) {
            throw new IOException(ENOSPC);
        }
        if (buffer.remaining() > room) {
            int limit = buffer.limit();
            buffer.limit(buffer.position() + (int) room);
            try {
                int written = FileOps.super.write(channel, buffer);
                used.addAndGet(written);
                return written; // a short write; the next one finds the disk full
            } finally {
                buffer.limit(limit);
            }
        }
        int written = FileOps.super.write(channel, buffer);
        used.addAndGet(written);
        return written;
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        call(Op.FORCE);
        FileOps.super.force(channel);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        call(Op.TRUNCATE);
        long before = channel.size();
        FileOps.super.truncate(channel, size);
        used.addAndGet(-Math.max(0, before - size));
    }

    @Override
    public MappedByteBuffer map(FileChannel channel, long position, long size) throws IOException {
        call(Op.MAP);
        return FileOps.super.map(channel, position, size);
    }

    @Override
    public FileLock tryLock(FileChannel channel) throws IOException {
        call(Op.LOCK);
        return FileOps.super.tryLock(channel);
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
        call(Op.MOVE);
        FileOps.super.moveAtomically(from, to);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        call(Op.DELETE);
        long size = Files.exists(path) ? Files.size(path) : 0;
        boolean deleted = FileOps.super.deleteIfExists(path);
        if (deleted) {
            used.addAndGet(-size);
        }
        return deleted;
    }

    @Override
    public List<Path> list(Path directory, String glob) throws IOException {
        call(Op.LIST);
        return FileOps.super.list(directory, glob);
    }
}
