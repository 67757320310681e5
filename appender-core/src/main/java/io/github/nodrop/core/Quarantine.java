package io.github.nodrop.core;

import io.github.nodrop.core.internal.FileOps;
import io.github.nodrop.core.internal.Spool;
import io.github.nodrop.core.internal.SpoolFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Records kept aside for a person to look at: those Kafka refuses for good and those the encoder could not
 * encode. They are spool files under {@code <fallbackDir>/quarantine/}, each record carrying its reason as
 * the last header ({@link SpoolFormat#QUARANTINE_REASON_HEADER}). Nothing replays them on its own; {@code
 * SpoolDump --requeue} moves them back into the spool once the cause is fixed. Capped like the spool.
 * Thread-safe.
 */
final class Quarantine implements AutoCloseable {

    static final String DIRECTORY = "quarantine";

    private final Spool files;

    Quarantine(Path fallbackDir, AppenderConfig config, FileOps ops) {
        this.files = new Spool(
                fallbackDir.resolve(DIRECTORY),
                config.maxFallbackFileSize(),
                config.maxFallbackTotalSize(),
                config.topic(),
                config.partition(),
                ops);
    }

    /** Writes the record with its reason; the record is in the file when this returns {@code WRITTEN}. */
    Spool.Written put(EncodedRecord record, String reason) {
        List<Header> headers = new ArrayList<>(record.headers());
        headers.add(new RecordHeader(SpoolFormat.QUARANTINE_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8)));
        return files.write(new EncodedRecord(record.key(), record.value(), headers, record.timestamp()));
    }

    Spool spool() {
        return files;
    }

    @Override
    public void close() {
        files.close();
    }

    /** The reason text for an exception: its type and message, short enough for a header. */
    static String reason(Throwable error) {
        String text = error.getClass().getName() + ": " + error.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
