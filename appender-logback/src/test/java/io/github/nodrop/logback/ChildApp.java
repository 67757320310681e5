package io.github.nodrop.logback;

import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.SpoolDump;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application in its own JVM, configured by {@code -Dlogback.configurationFile}: logs {@code count}
 * events "{@code prefix}-N", then, by {@code mode}: {@code stop} stops Logback; {@code exit} just returns
 * (a {@code <shutdownHook/>} must deliver); {@code drain} waits until the spool directory given as
 * {@code -Dspool.dir} is empty, then stops Logback and prints the recovered and replayed counters.
 */
public final class ChildApp {

    private ChildApp() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        String prefix = args[1];
        String mode = args[2];
        Logger logger = LoggerFactory.getLogger("app.Child");
        for (int i = 0; i < count; i++) {
            logger.info("{}-{}", prefix, i);
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        switch (mode) {
            case "exit":
                return;
            case "drain":
                KafkaAppender appender = (KafkaAppender)
                        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
                Path spool = Paths.get(System.getProperty("spool.dir"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!SpoolDump.files(spool).isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100); // polling another process's progress, with a deadline
                }
                context.stop();
                System.out.println("recovered=" + appender.getMetrics().getRecovered());
                System.out.println("replayed=" + appender.getMetrics().getReplayed());
                return;
            default:
                context.stop();
        }
    }
}
