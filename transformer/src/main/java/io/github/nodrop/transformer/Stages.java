package io.github.nodrop.transformer;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** What every dispatcher works with: the settings, the tracker, the enrichment and the output. */
final class Stages {

    final TransformerConfig config;
    final DeliveryTracker tracker;
    final Enrichment enrichment;
    final Output output;
    final BooleanSupplier failed;
    final Consumer<Throwable> fail;

    Stages(
            TransformerConfig config,
            DeliveryTracker tracker,
            Enrichment enrichment,
            Output output,
            BooleanSupplier failed,
            Consumer<Throwable> fail) {
        this.config = config;
        this.tracker = tracker;
        this.enrichment = enrichment;
        this.output = output;
        this.failed = failed;
        this.fail = fail;
    }
}
