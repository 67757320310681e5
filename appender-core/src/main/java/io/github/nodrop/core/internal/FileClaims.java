package io.github.nodrop.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM-wide register of files this process holds locked: spool files being written or replayed, and
 * journals.
 *
 * <p>File locks belong to the process, and on POSIX systems closing <em>any</em> descriptor of a file
 * releases every lock the process holds on it. So a second appender in the same JVM must never open a
 * file another appender here has locked, not even to find out that it is locked: it would free the file
 * for other processes while the first appender still works on it. Every claim therefore goes through
 * this register first, and only a path nobody in this JVM holds is opened and locked.
 *
 * <p>Thread-safe.
 */
public final class FileClaims {

    private static final ConcurrentHashMap<Path, Claim> HELD = new ConcurrentHashMap<>();

    private FileClaims() {}

    /**
     * Opens and locks {@code path} for this JVM, or returns {@code null} when this JVM or another process
     * holds it. Throws when the file cannot be opened for other reasons (gone, unreadable).
     */
    public static Claim claim(Path path, FileOps ops, boolean create) throws IOException {
        Path key = key(path);
        Claim placeholder = new Claim(key, null, null);
        if (HELD.putIfAbsent(key, placeholder) != null) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = create ? ops.create(path) : ops.openReadWrite(path);
            FileLock lock;
            try {
                lock = ops.tryLock(channel);
            } catch (OverlappingFileLockException e) {
                lock = null; // cannot happen while the register is consulted first; treat as held
            }
            if (lock == null) {
                HELD.remove(key, placeholder);
                closeQuietly(channel); // no lock of this JVM exists on the file, so closing frees nothing
                return null;
            }
            Claim claim = new Claim(key, channel, lock);
            HELD.replace(key, placeholder, claim);
            return claim;
        } catch (IOException | RuntimeException e) {
            HELD.remove(key, placeholder);
            closeQuietly(channel);
            throw e;
        }
    }

    /** Reads a file without disturbing a lock this JVM may hold on it. */
    public interface Reading<T> {
        T read(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code reading} on the file: through the channel this JVM holds it with, if it does (use
     * positional reads), or else through a channel of its own, opened while the file is registered here as
     * being read, so no appender of this JVM locks it meanwhile (closing that channel would release the lock).
     */
    public static <T> T read(Path path, FileOps ops, Reading<T> reading) throws IOException {
        Path key = key(path);
        Claim placeholder = new Claim(key, null, null);
        while (true) {
            Claim held = HELD.get(key);
            if (held != null && held.channel != null) {
                return reading.read(held.channel);
            }
            if (held == null && HELD.putIfAbsent(key, placeholder) == null) {
                break;
            }
            Thread.onSpinWait(); // being claimed or read right now
        }
        try (FileChannel channel = ops.openRead(path)) {
            return reading.read(channel);
        } finally {
            HELD.remove(key, placeholder);
        }
    }

    /** Whether this JVM holds the file (or is claiming it right now). */
    public static boolean isHeld(Path path) {
        return HELD.containsKey(key(path));
    }

    /**
     * The channel of a file this JVM holds, for reading it in place, or {@code null}. Readers must use
     * positional reads and must not close it.
     */
    public static FileChannel heldChannel(Path path) {
        Claim claim = HELD.get(key(path));
        return claim == null ? null : claim.channel;
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing more to do
        }
    }

    /** A file this JVM holds open and locked; closing releases the lock, the channel and the register entry. */
    public static final class Claim implements AutoCloseable {
        private volatile Path path;
        private final FileChannel channel;
        private final FileLock lock;

        Claim(Path path, FileChannel channel, FileLock lock) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
        }

        public Path path() {
            return path;
        }

        public FileChannel channel() {
            return channel;
        }

        /**
         * Renames the file while still holding it: the new name is registered before the rename, so no
         * other appender in this JVM can open the file under either name meanwhile.
         */
        public void renameTo(Path target, FileOps ops) throws IOException {
            Path newKey = key(target);
            if (HELD.putIfAbsent(newKey, this) != null) {
                throw new IOException("cannot rename " + path + " to " + target + ": that name is in use in this JVM");
            }
            try {
                ops.moveAtomically(path, target);
            } catch (IOException | RuntimeException e) {
                HELD.remove(newKey, this);
                throw e;
            }
            Path old = path;
            path = newKey;
            HELD.remove(old, this);
        }

        @Override
        public void close() {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(channel);
            HELD.remove(path, this);
        }
    }
}
