package io.github.nodrop.logback;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.EventCodec;
import io.github.nodrop.core.PlainText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Encodes Logback events with the configured {@link Encoder}: the value is the encoder's output without
 * its final line break, the key is the {@code key} pattern's output ({@code null} when empty), the
 * selected MDC entries become record headers, and the timestamp is the event's. Encoding is not
 * serialised: Logback's own appenders (since 1.3) call an encoder from many threads at once, and durable
 * mode encodes on the logging threads.
 */
final class LogbackCodec implements EventCodec<ILoggingEvent> {

    private final Encoder<ILoggingEvent> encoder;
    private final PatternLayout keyLayout;
    private final List<String> mdcHeaders;

    LogbackCodec(Encoder<ILoggingEvent> encoder, PatternLayout keyLayout, List<String> mdcHeaders) {
        this.encoder = encoder;
        this.keyLayout = keyLayout;
        this.mdcHeaders = List.copyOf(mdcHeaders);
    }

    @Override
    public EncodedRecord encode(ILoggingEvent event) {
        byte[] value = encoder.encode(event);
        String key = keyLayout == null ? null : keyLayout.doLayout(event);
        return new EncodedRecord(
                key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8),
                withoutFinalLineBreak(value),
                headers(event),
                event.getTimeStamp());
    }

    @Override
    public int estimateSize(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        int size = 256 + (message == null ? 0 : 2 * message.length());
        if (event.getThrowableProxy() != null) {
            size += 4096;
        }
        return size;
    }

    @Override
    public String fallbackText(ILoggingEvent event) {
        ch.qos.logback.classic.spi.IThrowableProxy thrown = event.getThrowableProxy();
        return PlainText.line(
                event.getTimeStamp(),
                event.getLevel(),
                event.getThreadName(),
                event.getLoggerName(),
                event.getFormattedMessage(),
                thrown == null ? null : thrown.getClassName() + ": " + thrown.getMessage());
    }

    private List<Header> headers(ILoggingEvent event) {
        if (mdcHeaders.isEmpty()) {
            return Collections.emptyList();
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        List<Header> headers = new ArrayList<>(mdcHeaders.size());
        for (String name : mdcHeaders) {
            String value = mdc == null ? null : mdc.get(name);
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
        return end == value.length ? value : java.util.Arrays.copyOf(value, end);
    }
}
