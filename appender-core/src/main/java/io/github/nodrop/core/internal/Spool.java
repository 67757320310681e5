package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fallback spool: files in one directory holding records Kafka did not take.
 *
 * <p>Files are named {@code spool-<utc time>-<seq>-<owner>.active} while a process writes them and
 * renamed to {@code .spool} when sealed (at {@code maxFileSize}, when Kafka is back, and at stop); names
 * sort oldest first. The writer holds an exclusive {@link FileLock} on its active file, and a replayer
 * holds one on each file it replays until it deletes it, so several processes can share a directory:
 * a file is replayed by one process only, and an {@code .active} file no process holds (its writer was
 * killed) is recovered like a sealed one.
 *
 * <p>The total size of the directory is capped: a write that would pass {@code maxTotalSize} is refused
 * with {@link Result#FULL}. Files are created owner-only (0600, directory 0700) where the file system
 * supports POSIX permissions: logs hold personal data.
 *
 * <p>Writes are batched in a 64 KB buffer that {@link #flush} writes out (the sender calls it every few
 * tens of milliseconds) and sealing writes before it seals, so a process killed with {@code kill -9}
 * loses at most that short tail, as it loses what is in its in-memory buffer.
 *
 * <p>Thread-safe: writes are serialised by the spool's monitor.
 */
public final class Spool implements AutoCloseable {

    /** Outcome of a write. */
    public enum Result {
        WRITTEN,
        FULL,
        ERROR
    }

    static final String ACTIVE = ".active";
    static final String SEALED = ".spool";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path directory;
    private final String topic;
    private final Integer partition;
    private final long maxFileSize;
    private final long maxTotalSize;
    private final String owner = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong usedBytes = new AtomicLong();
    private long sequence;
    private Path activePath;
    private FileChannel active;
    /** Records appended but not yet written: one write per batch instead of one per record. */
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

    private int pendingRecords;
    private long pendingSince;
    private FileLock activeLock;
    private long activeSize;
    /** Records written out to the active file (not counting {@link #pending}). */
    private long activeRecords;

    private int headerSize;
    private IOException lastError;
    private String notice;

    public Spool(Path directory, long maxFileSize, long maxTotalSize, String topic, Integer partition) {
        this.directory = directory.toAbsolutePath().normalize();
        this.topic = topic;
        this.partition = partition;
        this.maxFileSize = maxFileSize;
        this.maxTotalSize = maxTotalSize;
    }

    /** Creates the directory if needed and measures what is already there. */
    public synchronized void open() throws IOException {
        ensureDirectory();
        if (!Files.isWritable(directory)) {
            throw new IOException("directory " + directory + " is not writable");
        }
        refreshUsage();
    }

    public Path directory() {
        return directory;
    }

    /** Bytes in the spool directory now, this and other processes' files together. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** The error behind the last {@link Result#ERROR}, for the report. */
    public synchronized IOException lastError() {
        return lastError;
    }

    /** Appends one record; never throws. */
    public synchronized Result write(EncodedRecord record) {
        ByteBuffer framed = SpoolFormat.encode(record);
        int size = framed.remaining();
        if (usedBytes.get() + size + (active == null ? 64 : 0) > maxTotalSize) {
            refreshUsageQuietly(); // another process may have replayed and deleted files
            if (usedBytes.get() + size > maxTotalSize) {
                return Result.FULL;
            }
        }
        try {
            if (active != null && activeSize + size > maxFileSize && activeSize > headerSize) {
                sealActive();
            }
            if (active == null) {
                openActive();
            }
            if (size > pending.remaining()) {
                flushPending();
            }
            if (size > pending.capacity()) {
                relinkIfDeleted();
                while (framed.hasRemaining()) {
                    active.write(framed);
                }
                activeRecords++;
            } else {
                if (pending.position() == 0) {
                    pendingSince = System.nanoTime();
                }
                pending.put(framed);
                pendingRecords++;
            }
            activeSize += size;
            usedBytes.addAndGet(size);
            return Result.WRITTEN;
        } catch (IOException | RuntimeException e) {
            lastError = e instanceof IOException ? (IOException) e : new IOException(e);
            abandonActive();
            return Result.ERROR;
        }
    }

    /**
     * Writes what {@link #write} buffered, if it waited longer than {@code maxAgeNanos}. Returns the number
     * of records lost to a write error (also in {@link #lastError()}), normally 0.
     */
    public synchronized int flush(long maxAgeNanos) {
        if (pending.position() == 0 || System.nanoTime() - pendingSince < maxAgeNanos) {
            return 0;
        }
        int records = pendingRecords;
        try {
            flushPending();
            return 0;
        } catch (IOException e) {
            lastError = e;
            pending.clear();
            pendingRecords = 0;
            abandonActive();
            return records;
        }
    }

    private void flushPending() throws IOException {
        relinkIfDeleted();
        pending.flip();
        while (pending.hasRemaining()) {
            active.write(pending);
        }
        activeRecords += pendingRecords;
        pending.clear();
        pendingRecords = 0;
    }

    /** Seals the file being written so a replayer can take it. */
    public synchronized void sealActive() {
        if (active == null) {
            return;
        }
        if (pending.position() > 0) {
            try {
                flushPending();
            } catch (IOException e) {
                lastError = e;
                pending.clear();
                pendingRecords = 0;
            }
        }
        try {
            relinkIfDeleted();
        } catch (IOException e) {
            lastError = e;
        }
        Path sealed = directory.resolve(baseName(activePath) + SEALED);
        try {
            Files.move(activePath, sealed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            lastError = e; // stays .active; recovered as an orphan once this process lets go of it
            if (!Files.exists(activePath) && activeRecords > 0) {
                notice = "fallback file " + activePath + " was deleted while in use and could not be rewritten (" + e
                        + "): " + activeRecords + " spooled records in it are lost";
            }
        }
        closeActive();
    }

    /**
     * Files a replayer may take, oldest first: sealed files, and active files whose writer is gone. The
     * caller must still {@link #claim} each; another process may be quicker.
     */
    public List<Path> candidates() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "spool-*")) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (name.endsWith(SEALED) || name.endsWith(ACTIVE)) {
                    files.add(path);
                }
            }
        } catch (IOException e) {
            return files;
        }
        files.sort(null);
        return files;
    }

    /** Locks a file for replay, or returns {@code null} if someone else holds it or it is gone. */
    public ClaimedFile claim(Path path) {
        synchronized (this) {
            if (path.equals(activePath)) {
                return null;
            }
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM: another appender sharing the directory
            }
            if (lock == null || !Files.exists(path)) {
                channel.close();
                return null;
            }
            return new ClaimedFile(path, channel, lock);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            closeQuietly(channel);
            return null;
        }
    }

    /** Re-reads the directory's total size. */
    public synchronized void refreshUsage() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "spool-*")) {
            for (Path path : stream) {
                try {
                    total += Files.size(path);
                } catch (NoSuchFileException e) {
                    // replayed and deleted meanwhile
                }
            }
        }
        usedBytes.set(total + pending.position()); // buffered bytes are spool bytes too
    }

    private void refreshUsageQuietly() {
        try {
            refreshUsage();
        } catch (IOException e) {
            // keep the old figure
        }
    }

    @Override
    public synchronized void close() {
        sealActive();
    }

    private void openActive() throws IOException {
        ensureDirectory();
        String name = "spool-" + TIME.format(java.time.Instant.now()) + "-" + String.format("%06d", sequence++) + "-"
                + owner + ACTIVE;
        Path path = directory.resolve(name);
        FileChannel channel = POSIX
                ? FileChannel.open(
                        path,
                        java.util.Set.of(
                                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ),
                        filePermissions())
                : FileChannel.open(
                        path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            activeLock = channel.lock();
            ByteBuffer header = SpoolFormat.fileHeader(topic, partition);
            headerSize = header.remaining();
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
        active = channel;
        activePath = path;
        activeSize = headerSize;
        activeRecords = 0;
        usedBytes.addAndGet(activeSize);
    }

    /**
     * If the active file was deleted while open (by hand, or with its whole directory), what this process
     * wrote would vanish when it closes the file: copy it, through the descriptor still open, into a new
     * file in a recreated directory.
     */
    private void relinkIfDeleted() throws IOException {
        if (active == null || Files.exists(activePath)) {
            return;
        }
        FileChannel old = active;
        FileLock oldLock = activeLock;
        Path oldPath = activePath;
        long written = activeSize - headerSize; // on disk and still pending
        long onDisk = old.size() - headerSize;
        int oldHeader = headerSize;
        long oldRecords = activeRecords;
        active = null;
        try {
            openActive();
            long position = oldHeader;
            long end = oldHeader + onDisk;
            while (position < end) {
                position += old.transferTo(position, end - position, active);
            }
            activeSize += written;
            activeRecords = oldRecords;
            usedBytes.addAndGet(-oldHeader);
            notice = "fallback file " + oldPath.getFileName() + " was deleted while in use; its " + onDisk
                    + " bytes were rewritten to " + activePath;
        } catch (IOException e) {
            if (active == null) { // no new file could be made: the caller's error path seals or reports the old one
                active = old;
                activeLock = oldLock;
                activePath = oldPath;
            } else {
                closeQuietly(old);
            }
            throw e;
        }
        try {
            if (oldLock != null && oldLock.isValid()) {
                oldLock.release();
            }
        } catch (IOException e) {
            // closing releases it
        }
        closeQuietly(old);
    }

    /** A one-off event worth a warning (a deleted file recovered), or {@code null}; cleared when read. */
    public synchronized String takeNotice() {
        String taken = notice;
        notice = null;
        return taken;
    }

    private void abandonActive() {
        // after a failed write the file may end in a partial record: seal it so replay reports the tear
        pending.clear();
        pendingRecords = 0;
        sealActive();
    }

    private void closeActive() {
        try {
            if (activeLock != null && activeLock.isValid()) {
                activeLock.release();
            }
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(active);
        active = null;
        activeLock = null;
        activePath = null;
        activeSize = 0;
    }

    private void ensureDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(
                    directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    private static FileAttribute<?> filePermissions() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }

    static String baseName(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
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

    /** A spool file locked by this process for replay. Delete it once every record is acknowledged. */
    public final class ClaimedFile implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final FileLock lock;

        ClaimedFile(Path path, FileChannel channel, FileLock lock) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
        }

        public Path path() {
            return path;
        }

        public SpoolReader reader() throws IOException {
            return new SpoolReader(path, channel);
        }

        /** Deletes the file while still holding its lock, so no other process can replay it again. */
        public void delete() throws IOException {
            long size = channel.size();
            Files.deleteIfExists(path);
            usedBytes.addAndGet(-size);
        }

        @Override
        public void close() {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(channel);
        }
    }
}
