package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputLimitsTest {

    static final Map<String, Object> PRODUCER =
            Map.of("enable.idempotence", "true", "batch.size", "131072", "linger.ms", "5");

    @Test
    void knownLimitsKeepIdempotenceAndShrinkBatchesToFit() {
        Map<String, Object> adjusted =
                new OutputLimits(20_000, 1_048_588, true).withBatchesThatFit(PRODUCER, Guarantee.AT_LEAST_ONCE);
        assertThat(adjusted).containsEntry("enable.idempotence", "true").containsEntry("batch.size", "19744");
        assertThat(adjusted).doesNotContainKey("max.in.flight.requests.per.connection");
    }

    @Test
    void unknownLimitsAtLeastOnceTurnIdempotenceOffSoARefusedBatchCanBeSplit() {
        Map<String, Object> adjusted =
                new OutputLimits(1_048_588, 1_048_588, false).withBatchesThatFit(PRODUCER, Guarantee.AT_LEAST_ONCE);
        assertThat(adjusted)
                .containsEntry("enable.idempotence", "false")
                .containsEntry("max.in.flight.requests.per.connection", "1")
                .containsEntry("batch.size", "131072");
    }

    @Test
    void unknownLimitsExactlyOnceKeepTheTransactionalProducerAsItIs() {
        Map<String, Object> adjusted =
                new OutputLimits(1_048_588, 1_048_588, false).withBatchesThatFit(PRODUCER, Guarantee.EXACTLY_ONCE);
        assertThat(adjusted).containsEntry("enable.idempotence", "true");
        assertThat(adjusted).doesNotContainKey("max.in.flight.requests.per.connection");
    }
}
