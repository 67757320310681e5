package io.github.nodrop.examples;

import java.util.Locale;

/**
 * Command-line options shared by the example apps and the demo. Each is {@code --name value}; the Kafka
 * address also comes from {@code KAFKA_BOOTSTRAP_SERVERS}; without either, an embedded broker is started.
 */
public final class ExampleOptions {

    public String bootstrapServers = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    public String topic = "app-logs";
    public int events = 20_000;
    public int threads = 4;
    public int rate = 4_000;
    public boolean outage = true;
    public String mode = "pipeline";
    public boolean help;

    public static ExampleOptions parse(String[] args) {
        ExampleOptions options = new ExampleOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help":
                case "-h":
                    options.help = true;
                    break;
                case "--no-outage":
                    options.outage = false;
                    break;
                case "--outage":
                    options.outage = true;
                    break;
                default:
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    options.set(arg, args[++i]);
            }
        }
        return options;
    }

    private void set(String name, String value) {
        switch (name) {
            case "--bootstrap-servers":
                bootstrapServers = value;
                break;
            case "--topic":
                topic = value;
                break;
            case "--events":
                events = positive(name, value);
                break;
            case "--threads":
                threads = positive(name, value);
                break;
            case "--rate":
                rate = positive(name, value);
                break;
            case "--mode":
                mode = value.toLowerCase(Locale.ROOT);
                break;
            default:
                throw new IllegalArgumentException("unknown option " + name + " (try --help)");
        }
    }

    private static int positive(String name, String value) {
        try {
            int number = Integer.parseInt(value.trim().replace("_", ""));
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number, not '" + value + "'");
    }

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
