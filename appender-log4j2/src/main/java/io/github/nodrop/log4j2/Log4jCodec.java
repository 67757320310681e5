package io.github.nodrop.log4j2;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.EventCodec;
import io.github.nodrop.core.PlainText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Encodes Log4j2 events with the appender's {@link Layout}: the value is the layout's bytes without the
 * final line break, the key is the {@code key} pattern's output ({@code null} when empty), the selected
 * thread-context (MDC) entries become record headers. Log4j2 layouts are thread-safe, so encoding is not
 * serialised.
 */
final class Log4jCodec implements EventCodec<LogEvent> {

    private final Layout<?> layout;
    private final PatternLayout keyLayout;
    private final List<String> mdcHeaders;

    Log4jCodec(Layout<?> layout, PatternLayout keyLayout, List<String> mdcHeaders) {
        this.layout = layout;
        this.keyLayout = keyLayout;
        this.mdcHeaders = List.copyOf(mdcHeaders);
    }

    @Override
    public EncodedRecord encode(LogEvent event) {
        byte[] value = withoutFinalLineBreak(layout.toByteArray(event));
        String key = keyLayout == null ? null : keyLayout.toSerializable(event);
        return new EncodedRecord(
                key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                headers(event),
                event.getTimeMillis());
    }

    @Override
    public int estimateSize(LogEvent event) {
        String message = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
        int size = 256 + (message == null ? 0 : 2 * message.length());
        if (event.getThrown() != null) {
            size += 4096;
        }
        return size;
    }

    @Override
    public String fallbackText(LogEvent event) {
        return PlainText.line(
                event.getTimeMillis(),
                event.getLevel(),
                event.getThreadName(),
                event.getLoggerName(),
                event.getMessage() == null ? "" : event.getMessage().getFormattedMessage(),
                event.getThrown() == null ? null : event.getThrown().toString());
    }

    private List<Header> headers(LogEvent event) {
        if (mdcHeaders.isEmpty()) {
            return Collections.emptyList();
        }
        List<Header> headers = new ArrayList<>(mdcHeaders.size());
        for (String name : mdcHeaders) {
            String value = event.getContextData() == null
                    ? null
                    : event.getContextData().getValue(name);
            if (value != null) {
                headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return headers;
    }

    static byte[] withoutFinalLineBreak(byte[] value) {
        if (value == null) {
            return new byte[0];
        }
        int end = value.length;
        if (end > 0 && value[end - 1] == '\n') {
            end--;
            if (end > 0 && value[end - 1] == '\r') {
                end--;
            }
        }
        return end == value.length ? value : Arrays.copyOf(value, end);
    }
}
