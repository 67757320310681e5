package io.github.nodrop.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    static EncodedRecord record(String value) {
        return new EncodedRecord(null, value.getBytes(StandardCharsets.UTF_8), List.of(), 42L);
    }

    static String value(EncodedRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    @Test
    void recordsReadBackByteForByteWithKeysHeadersAndLineBreaks() throws Exception {
        byte[] binary = {0, 1, 2, (byte) 0xff, '\n', '\r'};
        EncodedRecord full = new EncodedRecord(
                "key-1".getBytes(StandardCharsets.UTF_8),
                "line one\nline two\r\n{\"json\":true}".getBytes(StandardCharsets.UTF_8),
                List.of(
                        new RecordHeader("requestId", "r-1".getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("nothing", null)),
                1_700_000_000_123L);
        EncodedRecord raw = new EncodedRecord(null, binary, List.of(), 7L);
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", 3, FileOps.DEFAULT)) {
            spool.open();
            assertThat(spool.write(full).outcome).isEqualTo(Spool.Outcome.WRITTEN);
            assertThat(spool.write(raw).outcome).isEqualTo(Spool.Outcome.WRITTEN);
        }
        List<Path> files = SpoolDump.files(dir);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).endsWith(".spool");
        try (FileChannel channel = FileChannel.open(files.get(0), StandardOpenOption.READ)) {
            SpoolReader reader = new SpoolReader(files.get(0), channel);
            assertThat(reader.topic()).isEqualTo("logs");
            assertThat(reader.partition()).isEqualTo(3);
            EncodedRecord first = reader.next();
            assertThat(first.key()).isEqualTo(full.key());
            assertThat(first.value()).isEqualTo(full.value());
            assertThat(first.timestamp()).isEqualTo(1_700_000_000_123L);
            assertThat(first.headers()).hasSize(2);
            assertThat(first.headers().get(0).key()).isEqualTo("requestId");
            assertThat(first.headers().get(0).value()).isEqualTo("r-1".getBytes(StandardCharsets.UTF_8));
            assertThat(first.headers().get(1).value()).isNull();
            EncodedRecord second = reader.next();
            assertThat(second.key()).isNull();
            assertThat(second.value()).isEqualTo(binary);
            assertThat(reader.next()).isNull();
            assertThat(reader.tear()).isNull();
        }
    }

    @Test
    void aRecordTornByACrashEndsTheFileAndIsReported() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            for (int i = 0; i < 3; i++) {
                spool.write(record("event-" + i));
            }
        }
        Path file = SpoolDump.files(dir).get(0);
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // the last record loses its tail
        }
        List<EncodedRecord> records = new ArrayList<>();
        String tear = SpoolDump.read(file, records);
        assertThat(records).extracting(SpoolTest::value).containsExactly("event-0", "event-1");
        assertThat(tear).contains("cut short").contains(file.getFileName().toString());
    }

    @Test
    void aCorruptedRecordFailsItsChecksum() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            spool.write(record("good"));
            spool.write(record("will be damaged"));
        }
        Path file = SpoolDump.files(dir).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x55;
        Files.write(file, bytes);
        List<EncodedRecord> records = new ArrayList<>();
        String tear = SpoolDump.read(file, records);
        assertThat(records).extracting(SpoolTest::value).containsExactly("good");
        assertThat(tear).contains("checksum");
    }

    @Test
    void filesRotateAtMaxFileSizeAndTheTotalIsCapped() throws Exception {
        String payload = "x".repeat(200);
        int written = 0;
        int full = 0;
        try (Spool spool = new Spool(dir, 1024, 4096, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            for (int i = 0; i < 40; i++) {
                Spool.Outcome result = spool.write(record(payload)).outcome;
                if (result == Spool.Outcome.WRITTEN) {
                    written++;
                } else if (result == Spool.Outcome.FULL) {
                    full++;
                }
            }
            assertThat(spool.usedBytes()).isLessThanOrEqualTo(4096);
        }
        assertThat(full).isPositive();
        assertThat(written + full).isEqualTo(40);
        assertThat(SpoolDump.files(dir).size()).isGreaterThan(1);
        assertThat(SpoolDump.totalBytes(dir)).isLessThanOrEqualTo(4096);
        assertThat(SpoolDump.records(dir)).hasSize(written);
        for (Path file : SpoolDump.files(dir)) {
            assertThat(Files.size(file)).isLessThanOrEqualTo(1024);
        }
    }

    @Test
    void aFileIsClaimedByOneReplayerAtATimeAndTheActiveFileByNone() throws Exception {
        try (Spool writer = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT);
                Spool other = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            writer.open();
            other.open();
            writer.write(record("sealed"));
            writer.sealActive();
            writer.write(record("still being written"));

            List<Path> candidates = other.candidates();
            assertThat(candidates)
                    .as("the file a writer of this JVM holds is no candidate")
                    .hasSize(1);
            Path sealed = candidates.get(0);
            assertThat(sealed.toString()).endsWith(".spool");
            Path active;
            try (var files = Files.list(dir)) {
                active = files.filter(p -> p.toString().endsWith(".active"))
                        .findFirst()
                        .get();
            }
            assertThat(other.claim(active)).as("a live writer's file").isNull();
            try (Spool.ClaimedFile claimed = other.claim(sealed)) {
                assertThat(claimed).isNotNull();
                assertThat(writer.claim(sealed)).as("already claimed").isNull();
                claimed.delete();
            }
            assertThat(sealed).doesNotExist();
            assertThat(writer.claim(sealed)).as("gone").isNull();
        }
    }

    @Test
    void spoolFilesAndDirectoryAreOwnerOnly() throws Exception {
        Path spoolDir = dir.resolve("nested/spool");
        try (Spool spool = new Spool(spoolDir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            spool.write(record("personal data"));
        }
        Set<PosixFilePermission> dirPermissions = Files.getPosixFilePermissions(spoolDir);
        assertThat(dirPermissions)
                .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(SpoolDump.files(spoolDir).get(0)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aWriteToADeletedDirectoryRecreatesIt() throws IOException {
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = new Spool(spoolDir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            spool.write(record("one"));
            spool.sealActive();
            for (Path file : SpoolDump.files(spoolDir)) {
                Files.delete(file);
            }
            Files.delete(spoolDir);
            assertThat(spool.write(record("two")).outcome).isEqualTo(Spool.Outcome.WRITTEN);
        }
        assertThat(SpoolDump.records(spoolDir)).extracting(SpoolTest::value).containsExactly("two");
    }

    static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void anActiveFileDeletedWhileOpenIsRewrittenFromTheOpenDescriptor() throws IOException {
        Path spoolDir = dir.resolve("spool");
        String notice;
        try (Spool spool = new Spool(spoolDir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            spool.write(record("one"));
            spool.write(record("two")); // on disk, in the file about to vanish
            deleteTree(spoolDir);
            spool.write(record("three"));
            notice = spool.takeNotice();
            spool.write(record("four"));
        }
        assertThat(notice).contains("was deleted while in use").contains("rewritten");
        assertThat(SpoolDump.records(spoolDir))
                .extracting(SpoolTest::value)
                .containsExactly("one", "two", "three", "four");
    }
}
