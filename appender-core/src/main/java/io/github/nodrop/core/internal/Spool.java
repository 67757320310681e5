package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fallback spool: files in one directory holding records Kafka did not take.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li><b>Written means in the file.</b> {@link #write} returns only after the records' bytes are in the
 *       file (the page cache, which outlives the process), and reports exactly how many made it. A write
 *       that fails half-way is cut back to the last whole record, so a counted record is never followed
 *       by garbage, and the rest are reported unwritten (after one retry in a fresh file).
 *   <li><b>Closed means closed.</b> After {@link #close} nothing writes, renames or deletes a file of this
 *       spool: {@link #write} answers {@link Outcome#CLOSED}, claims and deletes are refused.
 *   <li><b>Shared safely.</b> Files are named {@code spool-<utc time>-<seq>-<owner>.active} while written
 *       and renamed to {@code .spool} when sealed; names sort oldest first. Writers and replayers hold an
 *       exclusive lock through {@link FileClaims}, so several appenders and processes can share a
 *       directory: a file is replayed by one of them only, and an {@code .active} file nobody holds (its
 *       writer was killed) is recovered like a sealed one.
 *   <li><b>Capped.</b> A write that would take the directory past {@code maxTotalSize} is refused with
 *       {@link Outcome#FULL}. Files are owner-only where the file system has POSIX permissions.
 * </ul>
 *
 * <p>Every file operation goes through {@link FileOps}. Thread-safe: writes are serialised by the spool's
 * monitor.
 */
public final class Spool implements AutoCloseable {

    /** What became of a write. */
    public enum Outcome {
        WRITTEN,
        FULL,
        ERROR,
        CLOSED
    }

    static final String ACTIVE = ".active";
    static final String SEALED = ".spool";
    static final String PROGRESS = ".settled";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
    private static final int STAGING = 64 * 1024;

    private final Path directory;
    private final String topic;
    private final Integer partition;
    private final long maxFileSize;
    private final long maxTotalSize;
    private final FileOps ops;
    private final String owner = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong usedBytes = new AtomicLong();
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING);
    private long sequence;
    private FileClaims.Claim active;
    private long activeSize;
    private long activeRecords;
    private int headerSize;
    private boolean closed;
    private Outcome lastOutcome = Outcome.WRITTEN;
    private IOException lastError;
    private String notice;

    public Spool(Path directory, long maxFileSize, long maxTotalSize, String topic, Integer partition, FileOps ops) {
        this.directory = directory.toAbsolutePath().normalize();
        this.topic = topic;
        this.partition = partition;
        this.maxFileSize = maxFileSize;
        this.maxTotalSize = maxTotalSize;
        this.ops = ops;
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

    public FileOps ops() {
        return ops;
    }

    /** The topic written into the header of this spool's files. */
    public String topic() {
        return topic;
    }

    /** The fixed partition written into the header of this spool's files, or {@code null}. */
    public Integer partition() {
        return partition;
    }

    /** Bytes in the spool directory now, this and other processes' files together. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** The error behind the last {@link Outcome#ERROR}, for the report. */
    public synchronized IOException lastError() {
        return lastError;
    }

    /** Why the last {@link #write(List, int, int)} wrote fewer records than asked. */
    public synchronized Outcome lastOutcome() {
        return lastOutcome;
    }

    /** What a write did: how many records are now in the file, and why the rest are not. */
    public static final class Written {
        public final int count;
        public final Outcome outcome;
        public final IOException error;

        Written(int count, Outcome outcome, IOException error) {
            this.count = count;
            this.outcome = outcome;
            this.error = error;
        }
    }

    /** Appends one record. Never throws. */
    public synchronized Written write(EncodedRecord record) {
        return write(List.of(record), 0, 1);
    }

    /**
     * Appends {@code records[from, to)} in order; the first {@code count} of them are in the file when this
     * returns, the rest are not, for the reason given. Never throws.
     */
    public synchronized Written write(List<EncodedRecord> records, int from, int to) {
        lastOutcome = Outcome.WRITTEN;
        if (closed) {
            lastOutcome = Outcome.CLOSED;
            return new Written(0, Outcome.CLOSED, null);
        }
        int written = tryWrite(records, from, to);
        if (written < to - from && lastOutcome == Outcome.ERROR) {
            written += tryWrite(records, from + written, to); // once more, in a fresh file
        }
        return new Written(written, written == to - from ? Outcome.WRITTEN : lastOutcome, lastError);
    }

    private int tryWrite(List<EncodedRecord> records, int from, int to) {
        int committed = 0;
        int staged = 0;
        try {
            if (active != null) {
                relinkIfDeleted();
            }
            staging.clear();
            for (int i = from; i < to; i++) {
                EncodedRecord record = records.get(i);
                int size = SpoolFormat.RECORD_OVERHEAD + SpoolFormat.bodySize(record);
                if (!fits(size + (long) staging.position())) {
                    committed += flush(staged);
                    staged = 0;
                    lastOutcome = Outcome.FULL;
                    return committed;
                }
                if (active != null && activeSize + staging.position() + size > maxFileSize && activeSize > headerSize) {
                    committed += flush(staged);
                    staged = 0;
                    sealActive();
                }
                if (active == null) {
                    openActive();
                }
                if (size > staging.remaining()) {
                    committed += flush(staged);
                    staged = 0;
                }
                if (size > staging.capacity()) {
                    ByteBuffer alone = ByteBuffer.allocate(size);
                    SpoolFormat.writeFrame(alone, record);
                    writeOut(alone.flip());
                    activeRecords++;
                    committed++;
                } else {
                    SpoolFormat.writeFrame(staging, record);
                    staged++;
                }
            }
            committed += flush(staged);
            return committed;
        } catch (IOException | RuntimeException e) {
            lastOutcome = Outcome.ERROR;
            lastError = e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
            abandonActive();
            return committed;
        }
    }

    private boolean fits(long bytes) {
        long header = active == null ? 64 : 0;
        if (usedBytes.get() + bytes + header <= maxTotalSize) {
            return true;
        }
        refreshUsageQuietly(); // another process may have replayed and deleted files
        return usedBytes.get() + bytes + header <= maxTotalSize;
    }

    /** Writes what is staged; returns the records it held. On failure the file is cut back to before them. */
    private int flush(int staged) throws IOException {
        if (staging.position() == 0) {
            return staged;
        }
        staging.flip();
        writeOut(staging);
        staging.clear();
        activeRecords += staged;
        return staged;
    }

    private void writeOut(ByteBuffer frames) throws IOException {
        FileChannel channel = active.channel();
        long before = activeSize;
        int bytes = frames.remaining();
        try {
            while (frames.hasRemaining()) {
                ops.write(channel, frames);
            }
        } catch (IOException | RuntimeException e) {
            try {
                ops.truncate(channel, before); // no torn record after the counted ones
                channel.position(before);
            } catch (IOException | RuntimeException ignored) {
                // the file keeps a torn tail: sealed below, its reader stops there
            }
            throw e;
        }
        activeSize += bytes;
        usedBytes.addAndGet(bytes);
    }

    /** Seals the file being written so a replayer can take it. */
    public synchronized void sealActive() {
        if (active == null) {
            return;
        }
        Path activePath = active.path();
        try {
            relinkIfDeleted();
        } catch (IOException e) {
            lastError = e;
        }
        activePath = active.path();
        if (activeRecords == 0 && activeSize == headerSize) {
            try {
                ops.deleteIfExists(activePath); // nothing in it: no empty files for replayers to open
                usedBytes.addAndGet(-headerSize);
            } catch (IOException e) {
                lastError = e;
            }
            active.close();
            active = null;
            activeSize = 0;
            return;
        }
        Path sealed = directory.resolve(baseName(activePath) + SEALED);
        try {
            active.renameTo(sealed, ops);
        } catch (IOException e) {
            lastError = e; // stays .active; recovered as an orphan once this process lets go of it
            if (!ops.exists(activePath) && activeRecords > 0) {
                notice = "fallback file " + activePath + " was deleted while in use and could not be rewritten (" + e
                        + "): the records in it are lost";
            }
        }
        active.close();
        active = null;
        activeSize = 0;
    }

    /** Whether this spool has a file open for writing. */
    public synchronized boolean hasActiveFile() {
        return active != null;
    }

    /** The file open for writing, or {@code null}. */
    public synchronized Path activePath() {
        return active == null ? null : active.path();
    }

    /** The size of the file open for writing (0 when there is none). */
    public synchronized long activeSize() {
        return active == null ? 0 : activeSize;
    }

    /**
     * Files a replayer may take, oldest first: sealed files, and active files whose writer is gone. The
     * caller must still {@link #claim} each; another process may be quicker.
     */
    public List<Path> candidates() {
        List<Path> files = new ArrayList<>();
        try {
            for (Path path : ops.list(directory, "spool-*")) {
                String name = path.getFileName().toString();
                if ((name.endsWith(SEALED) || name.endsWith(ACTIVE)) && !FileClaims.isHeld(path)) {
                    files.add(path);
                }
            }
        } catch (IOException e) {
            return files;
        }
        files.sort(null);
        return files;
    }

    /** Locks a file for replay, or returns {@code null} if someone holds it, it is gone, or the spool is closed. */
    public ClaimedFile claim(Path path) {
        synchronized (this) {
            if (closed) {
                return null;
            }
        }
        try {
            FileClaims.Claim claim = FileClaims.claim(path, ops, false);
            if (claim == null) {
                return null;
            }
            if (!ops.exists(path)) {
                claim.close();
                return null;
            }
            return new ClaimedFile(claim);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Re-reads the directory's total size. */
    public synchronized void refreshUsage() throws IOException {
        long total = 0;
        for (Path path : ops.list(directory, "spool-*")) {
            try {
                total += ops.size(path);
            } catch (NoSuchFileException e) {
                // replayed and deleted meanwhile
            }
        }
        usedBytes.set(total);
    }

    private void refreshUsageQuietly() {
        try {
            refreshUsage();
        } catch (IOException | RuntimeException e) {
            // keep the old figure
        }
    }

    /** Seals the active file; afterwards nothing of this spool touches a file again. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        sealActive();
        closed = true;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void openActive() throws IOException {
        ensureDirectory();
        String name =
                "spool-" + TIME.format(Instant.now()) + "-" + String.format("%06d", sequence++) + "-" + owner + ACTIVE;
        Path path = directory.resolve(name);
        FileClaims.Claim claim = FileClaims.claim(path, ops, true);
        if (claim == null) {
            throw new IOException("cannot lock new fallback file " + path);
        }
        try {
            ByteBuffer header = SpoolFormat.fileHeader(topic, partition);
            int size = header.remaining();
            while (header.hasRemaining()) {
                ops.write(claim.channel(), header);
            }
            headerSize = size;
        } catch (IOException | RuntimeException e) {
            claim.close();
            try {
                ops.deleteIfExists(path);
            } catch (IOException | RuntimeException ignored) {
                // an empty or headless file is skipped by readers
            }
            throw e;
        }
        active = claim;
        activeSize = headerSize;
        activeRecords = 0;
        usedBytes.addAndGet(headerSize);
    }

    /**
     * If the active file was deleted while open (by hand, or with its whole directory), what this process
     * wrote would vanish when it closes the file: copy it, through the descriptor still open, into a new
     * file in a recreated directory.
     */
    private void relinkIfDeleted() throws IOException {
        if (active == null || ops.exists(active.path())) {
            return;
        }
        FileClaims.Claim old = active;
        long oldSize = activeSize;
        int oldHeader = headerSize;
        active = null;
        try {
            openActive();
            long position = oldHeader;
            while (position < oldSize) {
                position += old.channel().transferTo(position, oldSize - position, active.channel());
            }
            activeSize += oldSize - oldHeader;
            usedBytes.addAndGet(oldSize - oldHeader);
            notice = "fallback file " + old.path().getFileName() + " was deleted while in use; its "
                    + (oldSize - oldHeader) + " bytes were rewritten to " + active.path();
        } catch (IOException | RuntimeException e) {
            if (active == null) { // no new file could be made: the caller's error path reports it
                active = old;
                activeSize = oldSize;
                throw e;
            }
            FileClaims.Claim fresh = active;
            active = old; // keep writing the unlinked file: lost at close, but reported then
            activeSize = oldSize;
            fresh.close();
            throw e;
        }
        old.close();
    }

    /** A one-off event worth a warning (a deleted file recovered), or {@code null}; cleared when read. */
    public synchronized String takeNotice() {
        String taken = notice;
        notice = null;
        return taken;
    }

    private void abandonActive() {
        // seal what holds whole records; a file that could not be cut back stops its reader at the tear
        try {
            sealActive();
        } catch (RuntimeException e) {
            active = null;
        }
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            ops.createDirectories(directory);
        }
    }

    static String baseName(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** A spool file locked by this process for replay. Delete it once every record is settled. */
    public final class ClaimedFile implements AutoCloseable {
        private final FileClaims.Claim claim;

        ClaimedFile(FileClaims.Claim claim) {
            this.claim = claim;
        }

        public Path path() {
            return claim.path();
        }

        public SpoolReader reader() throws IOException {
            return new SpoolReader(claim.path(), claim.channel());
        }

        /** Indexes of records an earlier, interrupted replay already settled (acked or quarantined). */
        public BitSet settled() {
            return Progress.read(progressPath(), ops);
        }

        /** Remembers which records are settled, so an interrupted replay does not send them again. */
        public void saveSettled(BitSet settled) {
            synchronized (Spool.this) {
                if (!closed) {
                    Progress.write(progressPath(), settled, ops);
                }
            }
        }

        /** Deletes the file while still holding its lock, so no other process can replay it again. */
        public void delete() throws IOException {
            synchronized (Spool.this) {
                if (closed) {
                    throw new IOException("the spool is closed");
                }
                long size = claim.channel().size();
                ops.deleteIfExists(claim.path());
                usedBytes.addAndGet(-size);
                try {
                    ops.deleteIfExists(progressPath());
                } catch (IOException e) {
                    // a stale progress file names no existing spool file; harmless
                }
            }
        }

        private Path progressPath() {
            return Progress.of(claim.path());
        }

        @Override
        public void close() {
            claim.close();
        }
    }
}
