package io.github.nodrop.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    static final long CAPACITY = 64 * 1024;

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("journal-test-0.ndj");
    }

    Journal create(long capacity) throws IOException {
        return Journal.create(FileClaims.claim(file(), FileOps.DEFAULT, true), capacity, "logs", null, FileOps.DEFAULT);
    }

    Journal reopen() throws IOException {
        return Journal.attach(FileClaims.claim(file(), FileOps.DEFAULT, false), FileOps.DEFAULT);
    }

    static EncodedRecord record(String value) {
        return new EncodedRecord(null, value.getBytes(StandardCharsets.UTF_8), List.of(), 42L);
    }

    static List<String> values(List<EncodedRecord> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    @Test
    void recordsNotMarkedDoneSurviveAndComeBackByteForByte() throws Exception {
        EncodedRecord full = new EncodedRecord(
                "key".getBytes(StandardCharsets.UTF_8),
                "line one\nline two\u0000".getBytes(StandardCharsets.UTF_8),
                List.of(new RecordHeader("h", "v".getBytes(StandardCharsets.UTF_8)), new RecordHeader("n", null)),
                1_700_000_000_123L);
        try (Journal journal = create(CAPACITY)) {
            assertThat(journal.append(full)).isNotNegative();
            for (int i = 0; i < 50; i++) {
                assertThat(journal.append(record("r" + i))).isNotNegative();
            }
        } // closed without marking anything done: what a killed process leaves
        try (Journal journal = reopen()) {
            List<EncodedRecord> live = journal.recover();
            assertThat(live).hasSize(51);
            EncodedRecord first = live.get(0);
            assertThat(first.key()).isEqualTo(full.key());
            assertThat(first.value()).isEqualTo(full.value());
            assertThat(first.timestamp()).isEqualTo(full.timestamp());
            assertThat(first.headers()).hasSize(2);
            assertThat(first.headers().get(1).value()).isNull();
            assertThat(values(live.subList(1, 51))).startsWith("r0").endsWith("r49");
            assertThat(journal.topic()).isEqualTo("logs");
        }
    }

    @Test
    void doneRecordsAreNotRecoveredAndTheDonePrefixIsReleased() throws Exception {
        try (Journal journal = create(CAPACITY)) {
            long[] positions = new long[10];
            for (int i = 0; i < 10; i++) {
                positions[i] = journal.append(record("r" + i));
            }
            for (int i : new int[] {0, 1, 2, 3, 4, 7}) {
                journal.markDone(positions[i]);
            }
            long used = journal.usedBytes();
            assertThat(journal.release()).isEqualTo(positions[5]);
            assertThat(journal.usedBytes()).isLessThan(used);
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover())).containsExactly("r5", "r6", "r8", "r9");
        }
    }

    @Test
    void aFullJournalSaysSoAndMakesRoomOnceRecordsAreDone() throws Exception {
        String payload = "x".repeat(1000);
        try (Journal journal = create(CAPACITY)) {
            List<Long> positions = new ArrayList<>();
            long position;
            while ((position = journal.append(record(payload))) != Journal.FULL) {
                positions.add(position);
            }
            assertThat(positions.size()).isBetween(55, 64);
            while (journal.append(record("small")) != Journal.FULL) {
                // fill the rest of the ring
            }
            assertThat(journal.append(record("small"))).isEqualTo(Journal.FULL);
            journal.markDone(positions.get(0));
            journal.markDone(positions.get(1));
            journal.release();
            assertThat(journal.append(record(payload))).isNotNegative();
            assertThat(journal.append(record("y".repeat((int) CAPACITY))))
                    .as("larger than the ring")
                    .isEqualTo(Journal.FULL);
        }
    }

    @Test
    void manyLapsAroundTheRingRecoverOnlyTheLiveRecordsNeverStaleOnes() throws Exception {
        List<String> live = new ArrayList<>();
        try (Journal journal = create(CAPACITY)) {
            List<long[]> window = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                String value = "event-" + i + "-" + "z".repeat(i % 300);
                long position = journal.append(record(value));
                assertThat(position).as("room for event " + i).isNotNegative();
                window.add(new long[] {position, i});
                if (window.size() > 20) { // keep at most 20 un-acknowledged, like a sender would
                    journal.markDone(window.remove(0)[0]);
                    journal.release();
                }
            }
            for (long[] entry : window) {
                int i = (int) entry[1];
                live.add("event-" + i + "-" + "z".repeat(i % 300));
            }
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover())).containsExactlyElementsOf(live);
        }
    }

    @Test
    void aFrameAWriterNeverPublishedIsSkippedAndTheRecordsAfterItAreKept() throws Exception {
        long hole;
        try (Journal journal = create(CAPACITY)) {
            journal.append(record("before"));
            hole = journal.append(record("never published"));
            journal.append(record("after"));
        }
        // the thread writing the middle record was killed before it stored the frame's position
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8), Journal.HEADER + hole);
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover())).containsExactly("before", "after");
        }
    }

    @Test
    void aRecordWithABadChecksumIsNotRecovered() throws Exception {
        long damaged;
        try (Journal journal = create(CAPACITY)) {
            journal.append(record("good"));
            damaged = journal.append(record("damaged"));
        }
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {'X'}), Journal.HEADER + damaged + Journal.FRAME_HEADER + 20);
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover())).containsExactly("good");
        }
    }

    @Test
    void afterRecoveryTheJournalStartsEmptyAndOldFramesNeverReturn() throws Exception {
        try (Journal journal = create(CAPACITY)) {
            for (int i = 0; i < 30; i++) {
                journal.append(record("old-" + i));
            }
        }
        try (Journal journal = reopen()) {
            assertThat(journal.recover()).hasSize(30);
            journal.forgetRecovered();
            journal.append(record("new"));
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover())).containsExactly("new");
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int threads = 4;
        int each = 3_000;
        Set<String> expected = ConcurrentHashMap.newKeySet();
        try (Journal journal = create(8L << 20)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        String value = "t" + thread + "-" + i;
                        long position = journal.append(record(value));
                        if (position >= 0 && i % 3 == 0) {
                            journal.markDone(position); // acknowledged at once
                        } else if (position >= 0) {
                            expected.add(value);
                        }
                    }
                }));
            }
            writers.forEach(Thread::start);
            start.countDown();
            for (Thread writer : writers) {
                writer.join();
            }
        }
        try (Journal journal = reopen()) {
            List<String> recovered = values(journal.recover());
            assertThat(recovered).doesNotHaveDuplicates();
            assertThat(Set.copyOf(recovered)).isEqualTo(expected);
            assertThat(expected).hasSize(threads * (each - each / 3));
        }
    }

    @Test
    void journalsOfStoppedProcessesAreRecoveredIntoTheSpoolAndTheLiveOneIsLeftAlone() throws Exception {
        try (Journal other = Journal.create(
                FileClaims.claim(dir.resolve("journal-other-0.ndj"), FileOps.DEFAULT, true),
                CAPACITY,
                "other-topic",
                2,
                FileOps.DEFAULT)) {
            other.append(record("left by a killed process"));
        }
        Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT);
        spool.open();
        JournalFiles.Opened first =
                JournalFiles.open(dir, "app", 1 << 20, "logs", null, spool, 1 << 20, 1 << 30, FileOps.DEFAULT, true);
        assertThat(first.recovered).isEqualTo(1);
        assertThat(first.journal.path().getFileName().toString()).isEqualTo("journal-app-0.ndj");
        assertThat(dir.resolve("journal-other-0.ndj")).doesNotExist();
        List<Path> files = SpoolDump.files(dir);
        assertThat(files).hasSize(1);
        List<EncodedRecord> records = new ArrayList<>();
        SpoolDump.read(files.get(0), records);
        assertThat(values(records)).containsExactly("left by a killed process");
        try (FileChannel channel = FileChannel.open(files.get(0), StandardOpenOption.READ)) {
            SpoolReader reader = new SpoolReader(files.get(0), channel);
            assertThat(reader.topic())
                    .as("recovered for the topic it was meant for")
                    .isEqualTo("other-topic");
            assertThat(reader.partition()).isEqualTo(2);
        }

        // a second appender of the same name in this JVM gets a journal of its own
        JournalFiles.Opened second =
                JournalFiles.open(dir, "app", 1 << 20, "logs", null, spool, 1 << 20, 1 << 30, FileOps.DEFAULT, true);
        assertThat(second.journal.path().getFileName().toString()).isEqualTo("journal-app-1.ndj");
        second.journal.close();
        first.journal.close();
        spool.close();
    }

    @Test
    void aFileThatIsNoJournalIsSetAsideAndReported() throws Exception {
        Files.write(
                dir.resolve("journal-app-0.ndj"), "not a journal".repeat(1000).getBytes(StandardCharsets.UTF_8));
        Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT);
        spool.open();
        JournalFiles.Opened opened =
                JournalFiles.open(dir, "app", 1 << 20, "logs", null, spool, 1 << 20, 1 << 30, FileOps.DEFAULT, true);
        assertThat(opened.notes).anyMatch(n -> n.contains("journal-app-0.ndj") && n.contains("unreadable"));
        assertThat(dir.resolve("journal-app-0.ndj.corrupt")).exists();
        assertThat(opened.journal).isNotNull();
        opened.journal.close();
        spool.close();
    }

    @Test
    void aDiskTooFullForTheJournalFailsAtCreationNotLater() throws Exception {
        FaultyFileOps disk = new FaultyFileOps().diskOf(CAPACITY / 2);
        Spool spool = new Spool(dir, 1 << 20, 1 << 30, "logs", null, disk);
        spool.open();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> JournalFiles.open(dir, "app", 1 << 20, "logs", null, spool, 1 << 20, 1 << 30, disk, true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(FaultyFileOps.ENOSPC);
        assertThat(dir.resolve("journal-app-0.ndj")).doesNotExist();
        spool.close();
    }

    @Test
    void recordsTheBufferCouldNotTakeAreReadBackInOrderOncePassedRecordsAreClaimed() throws Exception {
        try (Journal journal = create(CAPACITY)) {
            long[] positions = new long[6];
            for (int i = 0; i < 6; i++) {
                positions[i] = journal.append(record("r" + i));
            }
            journal.claim(positions[0]); // taken from the buffer by the sender
            journal.claim(positions[1]);
            assertThat(journal.orphan(positions[2])).isTrue(); // the buffer was full
            assertThat(journal.orphan(positions[4])).isTrue();
            journal.orphan(positions[5]);
            assertThat(values(List.of(journal.read(journal.nextOrphan())))).containsExactly("r2");
            assertThat(journal.nextOrphan()).as("r3 still waits in the buffer").isEqualTo(-1);
            journal.claim(positions[3]);
            assertThat(journal.nextOrphan()).isEqualTo(positions[4]);
            assertThat(journal.nextOrphan()).isEqualTo(positions[5]);
            assertThat(journal.nextOrphan()).isEqualTo(-1);
            journal.markDone(positions[0]);
            journal.markDone(positions[4]);
        }
        try (Journal journal = reopen()) {
            assertThat(values(journal.recover()))
                    .as("claimed and orphaned records are not done: a kill now must not lose them")
                    .containsExactly("r1", "r2", "r3", "r5");
        }
    }
}
