package io.github.nodrop.examples;

import io.github.nodrop.core.AppenderMetrics;
import java.nio.file.Path;

/** An example application that logs through one of nodrop's appenders. */
public interface LoggingApp {

    /** Short name, also the prefix of every message: "{@code <name> event <seq>}". */
    String name();

    /** Configures the logging framework from the example's XML file. */
    void start(String bootstrapServers, String topic, Path fallbackDir);

    /** Logs one event with a sequence number and a request id in the MDC / thread context. */
    void log(int seq, String requestId);

    /** The appender's counters. */
    AppenderMetrics metrics();

    /** Stops the logging framework, which drains the appender. */
    void stop();
}
