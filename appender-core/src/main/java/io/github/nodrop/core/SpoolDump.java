package io.github.nodrop.core;

import io.github.nodrop.core.internal.SpoolReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * Prints the records in fallback spool files, so a person can read what is waiting for Kafka:
 *
 * <pre>
 * java -cp nodrop-appender-core.jar:kafka-clients.jar io.github.nodrop.core.SpoolDump [-v] DIR|FILE...
 * </pre>
 *
 * <p>Each record's value is printed as UTF-8 followed by a line break (JSON events give one JSON object a
 * line, ready for {@code jq}); {@code -v} first prints a line {@code # file record=N timestamp=...
 * key=... headers=...}. Tears are printed as {@code # torn: ...} lines. Reading never changes or locks
 * the files, so it is safe while an appender runs.
 */
public final class SpoolDump {

    private SpoolDump() {}

    public static void main(String[] args) {
        boolean verbose = false;
        List<Path> targets = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-v") || arg.equals("--verbose")) {
                verbose = true;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println(
                        "usage: SpoolDump [-v] DIR|FILE...   print the records in nodrop fallback spool files");
                return;
            } else {
                targets.add(Paths.get(arg));
            }
        }
        if (targets.isEmpty()) {
            System.err.println("usage: SpoolDump [-v] DIR|FILE...");
            System.exit(2);
        }
        for (Path target : targets) {
            for (Path file : Files.isDirectory(target) ? files(target) : List.of(target)) {
                print(file, verbose, System.out);
            }
        }
    }

    /** The spool files in a directory, oldest first. */
    public static List<Path> files(Path directory) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "spool-*")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    /** Every readable record in the directory's spool files, oldest first. */
    public static List<EncodedRecord> records(Path directory) {
        List<EncodedRecord> records = new ArrayList<>();
        for (Path file : files(directory)) {
            read(file, records);
        }
        return records;
    }

    /** The tear in a file, or {@code null} if it reads to the end. */
    public static String read(Path file, List<EncodedRecord> into) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SpoolReader reader = new SpoolReader(file, channel);
            EncodedRecord record;
            while ((record = reader.next()) != null) {
                into.add(record);
            }
            return reader.tear();
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
                    line.append(" header.").append(header.key()).append('=');
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
