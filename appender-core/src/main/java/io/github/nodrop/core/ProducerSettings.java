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
        crossCheck(builder, user, merged, problems);
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

    /**
     * The rules Kafka checks only when it creates a producer, checked here without creating one (which would
     * log, during the framework's own start-up, and fail only on the sender thread): a user who set
     * {@code request.timeout.ms} or {@code linger.ms} and not {@code delivery.timeout.ms} gets a delivery
     * timeout that fits them, as Kafka does for its own default.
     */
    private static void crossCheck(
            AppenderConfig.Builder builder,
            Map<String, String> user,
            Map<String, Object> merged,
            List<String> problems) {
        if (user.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            problems.add(builder.problem(
                    "producerConfig " + ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "cannot be set: the appender's producers are not transactional"));
        }
        long linger = asLong(merged.get(ProducerConfig.LINGER_MS_CONFIG), 0);
        long request = asLong(merged.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), 30_000);
        long needed = linger + request;
        if (user.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
            long delivery = asLong(merged.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), 0);
            if (delivery < needed) {
                problems.add(builder.problem(
                        "producerConfig " + ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        "'" + delivery + "' must be at least linger.ms + request.timeout.ms (" + linger + " + "
                                + request + " = " + needed + "), or Kafka refuses to create the producer"));
            }
        } else if (asLong(merged.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), 0) < needed) {
            merged.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(needed));
        }
        String idempotence = user.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && idempotence.trim().equalsIgnoreCase("true")) {
            String acks = String.valueOf(merged.getOrDefault(ProducerConfig.ACKS_CONFIG, "all"))
                    .trim();
            if (!acks.equals("all") && !acks.equals("-1")) {
                problems.add(builder.problem(
                        "producerConfig " + ProducerConfig.ACKS_CONFIG,
                        "'" + acks + "' must be all with enable.idempotence=true"));
            }
            if (asLong(merged.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 5) > 5) {
                problems.add(builder.problem(
                        "producerConfig " + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        "must be at most 5 with enable.idempotence=true"));
            }
            if (asLong(merged.get(ProducerConfig.RETRIES_CONFIG), 1) == 0) {
                problems.add(builder.problem(
                        "producerConfig " + ProducerConfig.RETRIES_CONFIG,
                        "must not be 0 with enable.idempotence=true"));
            }
        }
    }

    private static long asLong(Object value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return fallback; // its type was checked above; a bad value is reported there
        }
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
