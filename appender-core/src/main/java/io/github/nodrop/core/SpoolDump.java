package io.github.nodrop.core;

import io.github.nodrop.core.internal.FileClaims;
import io.github.nodrop.core.internal.FileOps;
import io.github.nodrop.core.internal.Progress;
import io.github.nodrop.core.internal.SpoolFormat;
import io.github.nodrop.core.internal.SpoolReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * Prints the records in fallback spool files, so a person can read what is waiting for Kafka, and puts
 * quarantined records back:
 *
 * <pre>
 * java -cp nodrop-appender-core.jar:kafka-clients.jar io.github.nodrop.core.SpoolDump [-v] DIR|FILE...
 * java -cp ... io.github.nodrop.core.SpoolDump --requeue FALLBACK_DIR
 * </pre>
 *
 * <p>Each record's value is printed as UTF-8 followed by a line break (JSON events give one JSON object a
 * line, ready for {@code jq}); {@code -v} first prints a line {@code # file record=N timestamp=... key=...
 * headers=...}, and for quarantined records (under {@code DIR/quarantine}) the reason Kafka or the encoder
 * gave. Tears are printed as {@code # torn: ...} lines. Records an interrupted replay already delivered are
 * left out. Reading never changes or locks the files, so it is safe while an appender runs.
 *
 * <p>{@code --requeue} moves the sealed files of {@code FALLBACK_DIR/quarantine} back into {@code
 * FALLBACK_DIR}, where the appender replays them like any spool file (without the reason header); run it
 * once the topic takes them (its size or timestamp limits raised, say).
 */
public final class SpoolDump {

    private SpoolDump() {}

    public static void main(String[] args) {
        boolean verbose = false;
        boolean requeue = false;
        List<Path> targets = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-v") || arg.equals("--verbose")) {
                verbose = true;
            } else if (arg.equals("--requeue")) {
                requeue = true;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println(
                        "usage: SpoolDump [-v] DIR|FILE...     print the records in nodrop fallback spool files");
                System.out.println("       SpoolDump --requeue FALLBACK_DIR  move quarantined records back for replay");
                return;
            } else {
                targets.add(Paths.get(arg));
            }
        }
        if (targets.isEmpty()) {
            System.err.println("usage: SpoolDump [-v] DIR|FILE...   or   SpoolDump --requeue FALLBACK_DIR");
            System.exit(2);
        }
        if (requeue) {
            for (Path target : targets) {
                List<Path> moved = requeue(target);
                System.out.println("requeued " + moved.size() + " quarantine file(s) into " + target);
            }
            return;
        }
        for (Path target : targets) {
            for (Path file : Files.isDirectory(target) ? files(target) : List.of(target)) {
                print(file, verbose, System.out);
            }
        }
    }

    /** The spool files in a directory (not its quarantine), oldest first. */
    public static List<Path> files(Path directory) {
        List<Path> files = new ArrayList<>();
        try {
            for (Path path : FileOps.DEFAULT.list(directory, "spool-*")) {
                String name = path.getFileName().toString();
                if (name.endsWith(".spool") || name.endsWith(".active")) {
                    files.add(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    /** The quarantine directory of a fallback directory. */
    public static Path quarantine(Path fallbackDir) {
        return fallbackDir.resolve(Quarantine.DIRECTORY);
    }

    /** Every readable record still waiting in the directory's spool files, oldest first. */
    public static List<EncodedRecord> records(Path directory) {
        List<EncodedRecord> records = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return records;
        }
        for (Path file : files(directory)) {
            read(file, records);
        }
        return records;
    }

    /** Reads the file's waiting records into the list; returns the tear, or {@code null} if it reads to the end. */
    public static String read(Path file, List<EncodedRecord> into) {
        BitSet settled = settled(file);
        try {
            return FileClaims.read(file, FileOps.DEFAULT, channel -> {
                SpoolReader reader = new SpoolReader(file, channel);
                int index = 0;
                for (EncodedRecord record; (record = reader.next()) != null; index++) {
                    if (!settled.get(index)) {
                        into.add(record);
                    }
                }
                return reader.tear();
            });
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // replayed and deleted meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes held by the directory's spool files. */
    public static long totalBytes(Path directory) {
        long total = 0;
        for (Path file : files(directory)) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        return total;
    }

    /**
     * Moves the quarantine's sealed files (and those of writers that are gone) back into the fallback
     * directory for replay; files an appender is still writing stay. Returns the new paths.
     */
    public static List<Path> requeue(Path fallbackDir) {
        List<Path> moved = new ArrayList<>();
        Path quarantine = quarantine(fallbackDir);
        if (!Files.isDirectory(quarantine)) {
            return moved;
        }
        for (Path file : files(quarantine)) {
            try {
                FileClaims.Claim claim = FileClaims.claim(file, FileOps.DEFAULT, false);
                if (claim == null) {
                    continue; // an appender is writing it
                }
                try {
                    String name = file.getFileName().toString();
                    String base = name.substring(0, name.lastIndexOf('.'));
                    Path target = fallbackDir.resolve(base + "-requeued.spool");
                    claim.renameTo(target, FileOps.DEFAULT);
                    moved.add(target);
                } finally {
                    claim.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return moved;
    }

    private static BitSet settled(Path file) {
        return Progress.read(Progress.of(file), FileOps.DEFAULT);
    }

    private static void print(Path file, boolean verbose, PrintStream out) {
        List<EncodedRecord> records = new ArrayList<>();
        String tear = read(file, records);
        int n = 0;
        for (EncodedRecord record : records) {
            if (verbose) {
                StringBuilder line = new StringBuilder("# ").append(file.getFileName());
                line.append(" record=")
                        .append(n)
                        .append(" timestamp=")
                        .append(Instant.ofEpochMilli(record.timestamp()));
                if (record.key() != null) {
                    line.append(" key=").append(new String(record.key(), StandardCharsets.UTF_8));
                }
                for (Header header : record.headers()) {
                    boolean reason = header.key().equals(SpoolFormat.QUARANTINE_REASON_HEADER);
                    line.append(reason ? " quarantined: " : " header." + header.key() + "=");
                    line.append(header.value() == null ? "null" : new String(header.value(), StandardCharsets.UTF_8));
                }
                out.println(line);
            }
            out.write(record.value(), 0, record.value().length);
            byte[] value = record.value();
            if (value.length == 0 || value[value.length - 1] != '\n') {
                out.println();
            }
            n++;
        }
        if (tear != null) {
            out.println("# torn: " + tear);
        }
    }
}
