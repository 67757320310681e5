package io.github.nodrop.transformer;

/** The transformer's counters as JMX shows them under {@code io.github.nodrop:type=Transformer,name=<group>}. */
public interface TransformerMetricsMBean {

    long getConsumed();

    long getProduced();

    long getDeadLettered();

    long getSkipped();

    long getLag();

    int getQueueDepth();

    long getInFlight();
}
