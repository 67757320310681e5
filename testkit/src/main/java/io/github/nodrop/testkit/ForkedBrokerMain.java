package io.github.nodrop.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of a {@link ForkedKafkaBroker}: starts the broker, writes the {@code ready} marker and
 * runs until its standard input closes, then stops the broker cleanly.
 */
public final class ForkedBrokerMain {

    private ForkedBrokerMain() {}

    /** Arguments: directory, client port, controller port, internal port. */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        int[] ports = {Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3])};
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startAt(directory, ports);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "broker-stop"));
        Files.writeString(
                directory.resolve("ready"),
                String.valueOf(ProcessHandle.current().pid()));
        InputStream in = System.in;
        while (in.read() >= 0) {
            // runs until the parent closes our input (or dies)
        }
        broker.stop();
        System.exit(0);
    }
}
