package io.github.nodrop.examples;

import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.log4j2.NodropKafkaAppender;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * A small service logging through nodrop's Log4j2 appender ({@code <NodropKafka>}), configured by
 * {@code example-log4j2.xml}. Run it on its own with
 * {@code ./mvnw -q -pl examples exec:exec -Dexample.main=io.github.nodrop.examples.Log4j2App}.
 */
public final class Log4j2App implements LoggingApp {

    private LoggerContext context;
    private Logger logger;
    private NodropKafkaAppender appender;

    public static void main(String[] args) throws Exception {
        Workload.runStandalone(new Log4j2App(), args);
    }

    @Override
    public String name() {
        return "log4j2-app";
    }

    @Override
    public void start(String bootstrapServers, String topic, Path fallbackDir) {
        // the example's XML reads these as ${sys:...}
        System.setProperty("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        System.setProperty("TOPIC", topic);
        System.setProperty("FALLBACK_DIR", fallbackDir.toString());
        System.setProperty("SERVICE_NAME", name());
        context = new LoggerContext(name());
        try {
            context.setConfigLocation(
                    Log4j2App.class.getResource("/example-log4j2.xml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        context.start();
        logger = context.getLogger("com.example.billing.InvoiceService");
        appender = context.getConfiguration().getAppender("KAFKA");
        if (appender == null) {
            throw new IllegalStateException("the KAFKA appender was not created; see the status messages above");
        }
    }

    @Override
    public void log(int seq, String requestId) {
        ThreadContext.put("requestId", requestId);
        try {
            logger.info("{} event {} invoice issued for customer {}", name(), seq, seq % 97);
        } finally {
            ThreadContext.remove("requestId");
        }
    }

    @Override
    public AppenderMetrics metrics() {
        return appender.getMetrics();
    }

    @Override
    public void stop() {
        context.stop();
    }
}
