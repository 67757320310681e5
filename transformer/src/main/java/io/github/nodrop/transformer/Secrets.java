package io.github.nodrop.transformer;

import java.util.Locale;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Which client settings must never be printed: Kafka's own {@code PASSWORD} settings, and names that look secret. */
final class Secrets {

    private Secrets() {}

    static boolean isSecret(String name) {
        if (name == null) {
            return false;
        }
        for (ConfigDef definition :
                new ConfigDef[] {ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef()
                }) {
            ConfigDef.ConfigKey key = definition.configKeys().get(name);
            if (key != null && key.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password")
                || n.contains("secret")
                || n.contains("jaas")
                || n.contains("token")
                || n.contains("credential")
                || n.endsWith(".key")
                || n.contains("certificates");
    }
}
