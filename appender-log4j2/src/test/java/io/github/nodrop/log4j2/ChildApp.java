package io.github.nodrop.log4j2;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** An application in its own JVM, configured by {@code -Dlog4j2.configurationFile}: logs, then stops Log4j2. */
public final class ChildApp {

    private ChildApp() {}

    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        String prefix = args[1];
        Logger logger = LogManager.getLogger("app.Child");
        for (int i = 0; i < count; i++) {
            logger.info("{}-{}", prefix, i);
        }
        LogManager.shutdown();
    }
}
