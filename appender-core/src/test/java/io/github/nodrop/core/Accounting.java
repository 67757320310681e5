package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

/** The check every test that logs makes after stop: each accepted event has exactly one fate. */
public final class Accounting {

    private Accounting() {}

    public static void assertEveryEventHasAFate(AppenderMetrics metrics) {
        assertThat(metrics.getAcked() + metrics.getSpooled() + metrics.getQuarantined() + metrics.getDropped())
                .as("accepted = acked + spooled + quarantined + dropped after stop: %s", metrics.summary())
                .isEqualTo(metrics.getAccepted());
        assertThat(metrics.getInFlight()).as("in flight after stop").isZero();
    }
}
