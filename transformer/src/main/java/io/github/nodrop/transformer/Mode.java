package io.github.nodrop.transformer;

import java.util.Locale;

/** How the work is spread over threads. Every mode keeps the order of records within a partition. */
public enum Mode {
    /** One thread polls, enriches and sends. */
    SERIAL,
    /** Consumer stage, hasher stage and producer stage over bounded queues (the default). */
    PIPELINE,
    /** N workers, each input partition pinned to one of them. */
    WORKER;

    public static Mode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("mode '" + text + "' is not one of serial, pipeline, worker");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
