package io.github.nodrop.log4j2;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.EventCodec;
import org.apache.logging.log4j.core.LogEvent;

/**
 * The codec an engine keeps across Log4j2 reconfigurations: when a new configuration reuses the running
 * engine, its layout replaces the old one here, so the producer and spool live on while the new layout
 * takes effect.
 */
final class SwappableCodec implements EventCodec<LogEvent> {

    private volatile EventCodec<LogEvent> delegate;

    SwappableCodec(EventCodec<LogEvent> delegate) {
        this.delegate = delegate;
    }

    void swap(EventCodec<LogEvent> next) {
        this.delegate = next;
    }

    @Override
    public EncodedRecord encode(LogEvent event) {
        return delegate.encode(event);
    }

    @Override
    public int estimateSize(LogEvent event) {
        return delegate.estimateSize(event);
    }

    @Override
    public String fallbackText(LogEvent event) {
        return delegate.fallbackText(event);
    }
}
