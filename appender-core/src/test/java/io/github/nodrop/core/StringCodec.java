package io.github.nodrop.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes a String event as its UTF-8 bytes; "boom" makes it throw; its text rendering is "text of ...". */
public final class StringCodec implements EventCodec<String> {

    @Override
    public EncodedRecord encode(String event) {
        if (event.equals("boom")) {
            throw new IllegalStateException("encoder failure for test");
        }
        return new EncodedRecord(null, event.getBytes(StandardCharsets.UTF_8), List.of(), 1_700_000_000_000L);
    }

    @Override
    public int estimateSize(String event) {
        return 64 + 2 * event.length();
    }

    @Override
    public String fallbackText(String event) {
        return "text of " + event;
    }
}
