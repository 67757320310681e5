package io.github.nodrop.benchmarks.enrich;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Log events as the appenders send them, for the enrichment benchmark. */
public final class Events {

    private Events() {}

    /** An event by name: {@code logback} (~300 B), {@code ecs} (~300 B), {@code logback-stacktrace} (~3 KB). */
    public static byte[] get(String name) {
        switch (name) {
            case "logback":
                return logback(null);
            case "ecs":
                return ecs();
            case "logback-stacktrace":
                return logback(failure());
            default:
                throw new IllegalArgumentException("no event " + name);
        }
    }

    /**
     * An INFO event through Logback's JsonEncoder set up as nodrop's Logback appender sets it up by default
     * (with the formatted message), from a request thread, with an MDC of two entries.
     */
    static byte[] logback(Throwable thrown) {
        LoggerContext context = new LoggerContext();
        context.setName("orders");
        LoggingEvent event = new LoggingEvent(
                "ch.qos.logback.classic.Logger",
                context.getLogger("com.example.orders.OrderService"),
                thrown == null ? Level.INFO : Level.ERROR,
                thrown == null ? "Order {} accepted" : "Order {} failed",
                thrown,
                new Object[] {"A-1042"});
        event.setThreadName("http-nio-8080-exec-3");
        event.setTimeStamp(1_796_000_000_123L);
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("requestId", "9f3c2a7e-41d2-4b8e-9a51-0c6f1e2d3b4a");
        mdc.put("customer", "c-1337");
        event.setMDCPropertyMap(mdc);
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder.encode(event);
    }

    /** An ECS-like event (as EcsLayout or JsonTemplateLayout's EcsLayout.json write it), one line. */
    static byte[] ecs() {
        return ("{\"@timestamp\":\"2026-11-28T08:13:20.123Z\",\"log.level\":\"INFO\",\"message\":\"Order A-1042"
                        + " accepted\",\"ecs.version\":\"1.2.0\",\"service.name\":\"orders\",\"process.thread.name\":"
                        + "\"http-nio-8080-exec-3\",\"log.logger\":\"com.example.orders.OrderService\",\"labels\":"
                        + "{\"requestId\":\"9f3c2a7e-41d2-4b8e-9a51-0c6f1e2d3b4a\",\"customer\":\"c-1337\"}}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A failure from deep in a Spring/Tomcat request, with a cause: a realistic stack trace. */
    static Throwable failure() {
        IllegalStateException cause = new IllegalStateException("connection refused: db-primary:5432");
        cause.setStackTrace(new StackTraceElement[] {
            frame("org.postgresql.core.v3.ConnectionFactoryImpl", "openConnectionImpl", 346),
            frame("org.postgresql.core.ConnectionFactory", "openConnection", 54),
            frame("com.zaxxer.hikari.pool.HikariPool", "getConnection", 181),
        });
        RuntimeException failure = new RuntimeException("could not reserve stock for order A-1042", cause);
        failure.setStackTrace(new StackTraceElement[] {
            frame("com.example.orders.StockClient", "reserve", 88),
            frame("com.example.orders.OrderService", "accept", 57),
            frame("com.example.orders.OrderController", "post", 41),
            frame("jdk.internal.reflect.DirectMethodHandleAccessor", "invoke", 103),
            frame("java.lang.reflect.Method", "invoke", 580),
            frame("org.springframework.web.method.support.InvocableHandlerMethod", "doInvoke", 255),
            frame("org.springframework.web.method.support.InvocableHandlerMethod", "invokeForRequest", 188),
            frame("org.springframework.web.servlet.DispatcherServlet", "doDispatch", 1089),
            frame("org.springframework.web.servlet.FrameworkServlet", "processRequest", 1014),
            frame("jakarta.servlet.http.HttpServlet", "service", 590),
            frame("org.apache.catalina.core.ApplicationFilterChain", "doFilter", 140),
            frame("org.springframework.web.filter.OncePerRequestFilter", "doFilter", 116),
            frame("org.apache.catalina.core.StandardWrapperValve", "invoke", 167),
            frame("org.apache.catalina.connector.CoyoteAdapter", "service", 344),
            frame("org.apache.coyote.http11.Http11Processor", "service", 397),
            frame("org.apache.tomcat.util.net.NioEndpoint$SocketProcessor", "doRun", 1769),
            frame("java.lang.Thread", "run", 1583),
        });
        return failure;
    }

    private static StackTraceElement frame(String className, String method, int line) {
        String file = className.substring(className.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ".java";
        return new StackTraceElement(className, method, file, line);
    }
}
