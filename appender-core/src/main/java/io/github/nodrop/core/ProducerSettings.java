package io.github.nodrop.core;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks the user's producer properties against Kafka's own definitions without creating a producer
 * (which would log, and might block), and merges them over nodrop's defaults.
 */
final class ProducerSettings {

    private static final ConfigDef DEFINITION = ProducerConfig.configDef();

    private ProducerSettings() {}

    static Map<String, Object> resolve(AppenderConfig.Builder builder, List<String> problems) {
        Map<String, Object> merged = new HashMap<>(AppenderConfig.PRODUCER_DEFAULTS);
        merged.put(ProducerConfig.CLIENT_ID_CONFIG, "nodrop-" + builder.appenderName());
        Map<String, String> user = builder.producerProperties();
        for (Map.Entry<String, String> entry : user.entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            if (name.equals(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)
                    || name.equals(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
                problems.add(builder.problem(
                        "producerConfig " + name, "cannot be set: the encoder produces the bytes nodrop sends"));
                continue;
            }
            ConfigDef.ConfigKey key = DEFINITION.configKeys().get(name);
            if (key == null) {
                problems.add(builder.problem("producerConfig " + name, "is not a Kafka producer setting" + hint(name)));
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(name, value, key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(name, parsed);
                }
            } catch (ConfigException e) {
                String why = ConfigValues.isSecret(name) ? "" : ": " + e.getMessage();
                problems.add(builder.problem(
                        "producerConfig " + name,
                        "has an invalid value '" + ConfigValues.printable(name, value) + "'" + why));
                continue;
            }
            merged.put(name, value);
        }
        String servers = builder.bootstrapServers();
        String fromProducer = user.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers != null && !servers.isBlank()) {
            if (fromProducer != null && !fromProducer.equals(servers.trim())) {
                problems.add(builder.problem(
                        "bootstrapServers",
                        "'" + servers + "' differs from producerConfig bootstrap.servers '" + fromProducer
                                + "': set one of them"));
            }
            merged.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.trim());
        } else if (fromProducer == null || fromProducer.isBlank()) {
            problems.add(builder.problem("bootstrapServers", "is required (for example 127.0.0.1:9092)"));
        }
        return merged;
    }

    /** A "did you mean" for typos such as {@code compresion.type}. */
    private static String hint(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : DEFINITION.names()) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4) ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
