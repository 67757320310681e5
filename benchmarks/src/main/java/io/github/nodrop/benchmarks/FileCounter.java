package io.github.nodrop.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Counts the events in a file that another process appends lines to, following it like {@code tail -f}. */
final class FileCounter extends DeliveryCounter {

    private final Path file;
    private final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    private final StringBuilder line = new StringBuilder(128);
    private FileChannel channel;

    FileCounter(Path file, int expected) {
        super(file.getFileName().toString(), expected);
        this.file = file;
        start();
    }

    @Override
    void poll() throws IOException, InterruptedException {
        if (channel == null) {
            if (!Files.exists(file)) {
                Thread.sleep(5);
                return;
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        chunk.clear();
        int read = channel.read(chunk);
        if (read <= 0) {
            Thread.sleep(5);
            return;
        }
        chunk.flip();
        while (chunk.hasRemaining()) {
            char c = (char) chunk.get();
            if (c == '\n') {
                count(Messages.sequence(line));
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
    }

    @Override
    void release() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // only reading
        }
    }

    /** Counts the events in a finished file once, without a thread; 0 when there is no such file. */
    static int distinctIn(Path file, int expected) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        java.util.BitSet seen = new java.util.BitSet(expected);
        try (var lines = Files.lines(file, java.nio.charset.StandardCharsets.US_ASCII)) {
            lines.mapToInt(Messages::sequence).filter(s -> s >= 0).forEach(seen::set);
        }
        return seen.cardinality();
    }
}
