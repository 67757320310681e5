package io.github.nodrop.core;

/**
 * Decides which events must never enter the Kafka path: those of Kafka's own loggers, and anything
 * logged on nodrop's threads or Kafka's network threads. Sending them would feed the appender with its
 * own traffic (a loop when Kafka logs about a failed send) or deadlock on the producer.
 */
public final class RecursionGuard {

    private RecursionGuard() {}

    /** Whether an event from this logger, logged on the current thread, must stay out of Kafka. */
    public static boolean mustSkip(String loggerName) {
        return isKafkaLogger(loggerName)
                || isInternalThread(Thread.currentThread().getName());
    }

    static boolean isKafkaLogger(String loggerName) {
        return loggerName != null
                && (loggerName.startsWith("org.apache.kafka.")
                        || loggerName.equals("org.apache.kafka")
                        || loggerName.startsWith("kafka."));
    }

    static boolean isInternalThread(String threadName) {
        return threadName != null
                && (threadName.startsWith(DeliveryEngine.THREAD_PREFIX)
                        || threadName.startsWith("kafka-producer-network-thread"));
    }
}
