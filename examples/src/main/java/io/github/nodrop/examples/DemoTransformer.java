package io.github.nodrop.examples;

import io.github.nodrop.transformer.Mode;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import java.time.Duration;

/** The transformer as the demo runs it: the library API, in this JVM, over the apps' topic. */
final class DemoTransformer implements AutoCloseable {

    private final Transformer transformer;

    private DemoTransformer(Transformer transformer) {
        this.transformer = transformer;
    }

    static DemoTransformer start(String bootstrapServers, String input, String output, String mode) {
        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(bootstrapServers)
                .input(input)
                .output(output)
                .groupId("nodrop-demo-" + input)
                .mode(Mode.parse(mode))
                .statsInterval(Duration.ZERO)
                .create();
        transformer.start();
        return new DemoTransformer(transformer);
    }

    long produced() {
        return transformer.metrics().getProduced();
    }

    long deadLettered() {
        return transformer.metrics().getDeadLettered();
    }

    @Override
    public void close() {
        transformer.close();
    }
}
