package io.github.nodrop.transformer;

import java.util.Locale;

/** What a consumer of the output topic may rely on. */
public enum Guarantee {
    /** Every input record has an output; after a crash or rebalance some may appear twice. */
    AT_LEAST_ONCE,
    /** A {@code read_committed} consumer sees every input record's output exactly once. */
    EXACTLY_ONCE;

    public static Guarantee parse(String text) {
        String normalised = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("guarantee '" + text + "' is not one of at-least-once, exactly-once");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
