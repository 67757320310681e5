package io.github.nodrop.examples;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.logback.KafkaAppender;
import java.net.URL;
import java.nio.file.Path;
import org.slf4j.MDC;

/**
 * A small service logging through nodrop's Logback appender, configured by {@code example-logback.xml}.
 * Run it on its own with {@code ./mvnw -q -pl examples exec:exec -Dexample.main=io.github.nodrop.examples.LogbackApp}.
 */
public final class LogbackApp implements LoggingApp {

    private LoggerContext context;
    private Logger logger;
    private KafkaAppender appender;

    public static void main(String[] args) throws Exception {
        Workload.runStandalone(new LogbackApp(), args);
    }

    @Override
    public String name() {
        return "logback-app";
    }

    @Override
    public void start(String bootstrapServers, String topic, Path fallbackDir) {
        context = new LoggerContext();
        context.setName(name());
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        context.putProperty("TOPIC", topic);
        context.putProperty("FALLBACK_DIR", fallbackDir.toString());
        context.putProperty("SERVICE_NAME", name());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = LogbackApp.class.getResource("/example-logback.xml");
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("example-logback.xml: " + e.getMessage(), e);
        }
        logger = context.getLogger("com.example.orders.OrderService");
        appender = (KafkaAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
        if (appender == null || !appender.isStarted()) {
            throw new IllegalStateException("the KAFKA appender did not start: "
                    + context.getStatusManager().getCopyOfStatusList());
        }
    }

    @Override
    public void log(int seq, String requestId) {
        MDC.put("requestId", requestId);
        try {
            logger.info("{} event {} order placed for customer {}", name(), seq, seq % 97);
        } finally {
            MDC.remove("requestId");
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
