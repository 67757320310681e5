package io.github.nodrop.logback;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.StandardEnvironment;

/**
 * Initialises logging the way a Spring Boot application does, from the {@code logback-spring.xml} named
 * by {@code -Dconfig.file} (with Spring's {@code <springProperty>} and {@code <springProfile>}), then
 * logs {@code count} events and stops logging.
 */
public final class SpringBootChildApp {

    private SpringBootChildApp() {}

    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        LoggingSystem system = LoggingSystem.get(SpringBootChildApp.class.getClassLoader());
        system.beforeInitialize();
        StandardEnvironment environment = new StandardEnvironment(); // system properties included
        environment.setActiveProfiles("prod");
        system.initialize(
                new LoggingInitializationContext(environment), "file:" + System.getProperty("config.file"), null);
        Logger logger = LoggerFactory.getLogger("app.Spring");
        for (int i = 0; i < count; i++) {
            logger.info("spring-{}", i);
        }
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
