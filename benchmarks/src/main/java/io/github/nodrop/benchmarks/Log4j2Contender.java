package io.github.nodrop.benchmarks;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;

/**
 * One Log4j2 contender in a JVM of its own: configures Log4j2 from the contender's XML, logs N events of
 * 100 bytes from T threads timing every call, prints one {@code RESULT} line, then stops Log4j2 when the
 * harness writes a line to standard input.
 */
public final class Log4j2Contender {

    private Log4j2Contender() {}

    static String xml(String contender, String bootstrap, String topic, String dir) {
        if (contender.equals("nodrop")) {
            return "<Configuration status='WARN'><Appenders>"
                    + "<NodropKafka name='KAFKA' bootstrapServers='" + bootstrap + "' topic='" + topic
                    + "' fallbackDir='" + dir + "/kafka-fallback'><PatternLayout pattern='%m'/></NodropKafka>"
                    + "</Appenders><Loggers><Root level='INFO'><AppenderRef ref='KAFKA'/></Root></Loggers>"
                    + "</Configuration>";
        }
        // log4j-core's own Kafka appender as its users run it: asynchronous sends, a Failover to a file
        return "<Configuration status='WARN'><Appenders>"
                + "<Kafka name='KAFKA' topic='" + topic + "' syncSend='false' ignoreExceptions='false'>"
                + "<PatternLayout pattern='%m'/><Property name='bootstrap.servers'>" + bootstrap + "</Property>"
                + "</Kafka>"
                + "<File name='FILE' fileName='" + dir + "/fallback.log'><PatternLayout pattern='%m%n'/></File>"
                + "<Failover name='FAILOVER' primary='KAFKA'><Failovers><AppenderRef ref='FILE'/></Failovers>"
                + "</Failover></Appenders>"
                + "<Loggers><Root level='INFO'><AppenderRef ref='FAILOVER'/></Root></Loggers></Configuration>";
    }

    public static void main(String[] args) throws Exception {
        String contender = args[0];
        String bootstrap = args[1];
        String topic = args[2];
        int events = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        String dir = args[5];
        LoggerContext context = new LoggerContext(contender);
        context.start(new XmlConfiguration(
                context,
                new ConfigurationSource(new ByteArrayInputStream(
                        xml(contender, bootstrap, topic, dir).getBytes(StandardCharsets.UTF_8)))));
        Logger logger = context.getLogger("bench");
        String[] messages = new String[events];
        for (int i = 0; i < events; i++) {
            messages[i] = Messages.message(i);
        }
        Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        long[] firstCall = new long[threads];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                Histogram own = new Histogram(3_600_000_000_000L, 3);
                for (int i = thread; i < events; i += threads) {
                    long before = System.nanoTime();
                    logger.info(messages[i]);
                    long took = System.nanoTime() - before;
                    own.recordValue(took);
                    if (i == thread) {
                        firstCall[thread] = took;
                    }
                }
                synchronized (histogram) {
                    histogram.add(own);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long callsNanos = System.nanoTime() - start;
        long first = 0;
        for (long f : firstCall) {
            first = Math.max(first, f);
        }
        System.out.printf(
                "RESULT %d %d %d %d %d %d %d%n",
                start,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue(),
                first,
                callsNanos);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        context.stop();
        System.out.println("STOPPED");
    }
}
