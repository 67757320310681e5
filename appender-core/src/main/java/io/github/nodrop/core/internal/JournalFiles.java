package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds the journal a durable appender writes, and recovers the journals of processes that did not stop
 * cleanly.
 *
 * <p>Journals live in the fallback directory as {@code journal-<appender>-<n>.ndj}, each locked by the
 * process writing it. At start every journal no live process holds is recovered: its un-acknowledged
 * records are appended to the spool (with the journal's own topic and partition), flushed, and only then
 * is the journal marked empty, so a crash during recovery repeats records rather than losing them. The
 * first free journal of this appender's name (and size and topic) is kept and reused when the appender is
 * durable; other recovered journals are deleted (an appender that is no longer durable still recovers
 * what its durable runs left). A journal that is not one (bad header) is renamed {@code .corrupt} and reported.
 */
public final class JournalFiles {

    private JournalFiles() {}

    /** What opening found: the journal to write, and what was recovered from earlier runs. */
    public static final class Opened {
        public Journal journal;
        public long recovered;
        public long lost;
        public final List<String> notes = new ArrayList<>();
    }

    public static Opened open(
            Path directory,
            String appenderName,
            long capacity,
            String topic,
            Integer partition,
            Spool spool,
            long maxFileSize,
            long maxTotalSize,
            FileOps ops,
            boolean keep)
            throws IOException {
        Opened opened = new Opened();
        String own = "journal-" + sanitise(appenderName) + "-";
        List<Path> files = ops.list(directory, "journal-*.ndj");
        files.sort(null);
        for (Path path : files) {
            FileClaims.Claim claim;
            try {
                claim = FileClaims.claim(path, ops, false);
            } catch (IOException e) {
                continue; // gone meanwhile
            }
            if (claim == null) {
                continue; // a live appender writes it
            }
            Journal journal;
            try {
                journal = Journal.attach(claim, ops);
            } catch (IOException | RuntimeException e) {
                claim.close();
                Path aside = path.resolveSibling(path.getFileName() + ".corrupt");
                try {
                    ops.moveAtomically(path, aside);
                } catch (IOException moveFailed) {
                    // leave it; it is reported either way
                }
                opened.notes.add("journal " + path + " is unreadable (" + e.getMessage() + "); moved to " + aside);
                continue;
            }
            List<EncodedRecord> live = journal.recover();
            if (!live.isEmpty()) {
                int kept = spoolRecovered(directory, journal, live, spool, maxFileSize, maxTotalSize, ops);
                opened.recovered += kept;
                if (kept < live.size()) {
                    opened.lost += live.size() - kept;
                    opened.notes.add("journal " + path.getFileName() + ": " + (live.size() - kept) + " of "
                            + live.size()
                            + " recovered records could not be written to the spool (" + spool.lastOutcome() + ", "
                            + spool.lastError() + ")");
                }
            }
            journal.forgetRecovered();
            boolean reusable = keep
                    && opened.journal == null
                    && path.getFileName().toString().startsWith(own)
                    && journal.capacity() == capacity
                    && journal.topic().equals(topic)
                    && Objects.equals(journal.partition(), partition);
            if (reusable) {
                opened.journal = journal;
            } else {
                journal.close();
                try {
                    ops.deleteIfExists(path);
                } catch (IOException e) {
                    opened.notes.add("recovered journal " + path + " cannot be deleted: " + e);
                }
            }
        }
        if (keep && opened.journal == null) {
            opened.journal = createNew(directory, own, capacity, topic, partition, ops);
        }
        return opened;
    }

    private static int spoolRecovered(
            Path directory,
            Journal journal,
            List<EncodedRecord> live,
            Spool spool,
            long maxFileSize,
            long maxTotalSize,
            FileOps ops)
            throws IOException {
        boolean same = journal.topic().equals(spool.topic()) && Objects.equals(journal.partition(), spool.partition());
        Spool target = same
                ? spool
                : new Spool(directory, maxFileSize, maxTotalSize, journal.topic(), journal.partition(), ops);
        if (!same) {
            target.open();
        }
        try {
            Spool.Written written = target.write(live, 0, live.size());
            target.sealActive(); // a file of its own, replayed like any other
            return written.count;
        } finally {
            if (!same) {
                target.close();
            }
        }
    }

    private static Journal createNew(
            Path directory, String own, long capacity, String topic, Integer partition, FileOps ops)
            throws IOException {
        for (int n = 0; n < 1000; n++) {
            Path path = directory.resolve(own + n + ".ndj");
            if (ops.exists(path)) {
                continue;
            }
            FileClaims.Claim claim;
            try {
                claim = FileClaims.claim(path, ops, true);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue; // another process was quicker
            }
            if (claim == null) {
                continue;
            }
            try {
                return Journal.create(claim, capacity, topic, partition, ops);
            } catch (IOException | RuntimeException e) {
                claim.close();
                try {
                    ops.deleteIfExists(path);
                } catch (IOException ignored) {
                    // a half-made journal is reported as corrupt next time
                }
                throw e;
            }
        }
        throw new IOException("no free journal name " + own + "<n>.ndj in " + directory);
    }

    static String sanitise(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
