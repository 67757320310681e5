package io.github.nodrop.core;

/**
 * Where the engine reports what happens to it: the logging framework's status system (Logback's
 * {@code addError}/{@code addWarn}, Log4j2's {@code StatusLogger}). Implementations must not log through
 * the appender that owns the engine, and must not throw.
 */
public interface StatusListener {

    void info(String message);

    void warn(String message, Throwable cause);

    void error(String message, Throwable cause);
}
