package io.github.nodrop.log4j2;

import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/** Run by {@link PackagedPluginIT} in a JVM of its own: which class Log4j2 made of the appender named KAFKA. */
public final class PluginProbe {

    private PluginProbe() {}

    public static void main(String[] args) {
        LoggerContext context = Configurator.initialize("probe", args[0]);
        Appender appender = context.getConfiguration().getAppender("KAFKA");
        System.out.println(
                "appender: " + (appender == null ? "none" : appender.getClass().getName()));
        Configurator.shutdown(context);
    }
}
