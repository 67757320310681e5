package io.github.nodrop.transformer;

import io.github.nodrop.enrich.JsonEnricher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns an input record into its output record: the enriched JSON for the output topic, or the original
 * record with the reason for the dead-letter topic (not a JSON object, or too large for the output topic
 * once enriched). Key, headers and timestamp of the input are kept. Stateless; the {@link JsonEnricher}
 * passed in belongs to the calling thread.
 */
final class Enrichment {

    private final TransformerConfig config;
    private final OutputLimits limits;

    Enrichment(TransformerConfig config, OutputLimits limits) {
        this.config = config;
        this.limits = limits;
    }

    void prepare(Item item, JsonEnricher enricher) {
        ConsumerRecord<byte[], byte[]> in = item.in;
        JsonEnricher.Result result = enricher.enrich(in.value());
        if (!result.ok()) {
            item.deadLetter(config.dlq, result.error());
            return;
        }
        byte[] key = config.keyByHash ? result.hashBytes() : in.key();
        item.out = new ProducerRecord<>(
                config.output, null, in.timestamp() < 0 ? null : in.timestamp(), key, result.value(), in.headers());
        if (!limits.fitsOutput(item.outputBytes())) {
            item.deadLetter(
                    config.dlq,
                    "enriched record of " + item.outputBytes() + " bytes is larger than " + config.output + " takes ("
                            + limits.output + " bytes: max.message.bytes, max.request.size)");
        }
    }

    /** Whether the dead-letter topic takes the item's dead-letter record. */
    boolean deadLetterFits(Item item) {
        return limits.fitsDeadLetter(item.outputBytes());
    }
}
