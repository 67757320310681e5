package io.github.nodrop.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How clients must connect to an {@link EmbeddedKafkaBroker}: plaintext (the default), SASL_PLAINTEXT
 * with PLAIN or SCRAM-SHA-512 for one user, or SSL with a certificate signed by a CA made at test time.
 * The broker talks to itself over a separate plaintext listener, so only clients see the security.
 *
 * <p>{@link #clientProperties()} are what a client with the right credentials sets; {@link
 * #clientProperties(String)} the same with another password, to show a rejection.
 */
public final class BrokerSecurity {

    /** How the client listener is secured. */
    public enum Kind {
        PLAINTEXT,
        SASL_PLAIN,
        SASL_SCRAM,
        SSL
    }

    private final Kind kind;
    private final String user;
    private final String password;
    private Path certificates;

    private BrokerSecurity(Kind kind, String user, String password) {
        this.kind = kind;
        this.user = user;
        this.password = password;
    }

    public static BrokerSecurity plaintext() {
        return new BrokerSecurity(Kind.PLAINTEXT, null, null);
    }

    public static BrokerSecurity saslPlain(String user, String password) {
        return new BrokerSecurity(Kind.SASL_PLAIN, user, password);
    }

    public static BrokerSecurity saslScram(String user, String password) {
        return new BrokerSecurity(Kind.SASL_SCRAM, user, password);
    }

    /** SSL with a self-signed CA and a broker certificate for 127.0.0.1, made with the JDK's keytool. */
    public static BrokerSecurity ssl() {
        return new BrokerSecurity(Kind.SSL, null, "changeit-" + Long.toHexString(System.nanoTime()));
    }

    public Kind kind() {
        return kind;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The protocol of the client listener. */
    String protocol() {
        switch (kind) {
            case SASL_PLAIN:
            case SASL_SCRAM:
                return "SASL_PLAINTEXT";
            case SSL:
                return "SSL";
            default:
                return "PLAINTEXT";
        }
    }

    String mechanism() {
        return kind == Kind.SASL_SCRAM ? "SCRAM-SHA-512" : "PLAIN";
    }

    /** Server properties for the client listener named {@code listener} (lower case). */
    Map<String, String> serverProperties(String listener, Path directory) {
        Map<String, String> props = new LinkedHashMap<>();
        String prefix = "listener.name." + listener + ".";
        if (kind == Kind.SASL_PLAIN) {
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
            props.put(
                    prefix + "plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + user + "=\"" + password
                            + "\";");
        } else if (kind == Kind.SASL_SCRAM) {
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put(
                    prefix + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        } else if (kind == Kind.SSL) {
            Path certs = certificates(directory);
            props.put(
                    prefix + "ssl.keystore.location",
                    certs.resolve("broker.p12").toString());
            props.put(prefix + "ssl.keystore.password", password);
            props.put(prefix + "ssl.key.password", password);
            props.put(prefix + "ssl.keystore.type", "PKCS12");
        }
        return props;
    }

    /** Extra arguments for formatting the storage: SCRAM users are created there. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        if (kind == Kind.SASL_SCRAM) {
            args.add("--add-scram");
            args.add("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]");
        }
        return args;
    }

    /** Client properties with the right credentials. */
    public Map<String, String> clientProperties() {
        return clientProperties(password);
    }

    /** Client properties with the given password (or trust store password, for SSL). */
    public Map<String, String> clientProperties(String withPassword) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", protocol());
        if (kind == Kind.SASL_PLAIN) {
            props.put("sasl.mechanism", "PLAIN");
            props.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                            + "\" password=\"" + withPassword + "\";");
        } else if (kind == Kind.SASL_SCRAM) {
            props.put("sasl.mechanism", "SCRAM-SHA-512");
            props.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                            + "\" password=\"" + withPassword + "\";");
        } else if (kind == Kind.SSL) {
            props.put(
                    "ssl.truststore.location",
                    certificates.resolve("truststore.p12").toString());
            props.put("ssl.truststore.password", withPassword);
            props.put("ssl.truststore.type", "PKCS12");
        }
        return props;
    }

    /** A trust store holding a CA that did not sign the broker's certificate. */
    public Path untrustedTrustStore() {
        Path other = certificates.resolve("other");
        try {
            Files.createDirectories(other);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keytool(
                other,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=someone-else",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        keytool(
                other,
                "-exportcert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                password,
                "-rfc",
                "-file",
                "ca.crt");
        keytool(
                other,
                "-importcert",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                "truststore.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-noprompt");
        return other.resolve("truststore.p12");
    }

    private synchronized Path certificates(Path directory) {
        if (certificates != null) {
            return certificates;
        }
        Path dir = directory.resolve("certificates");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String pass = password;
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=nodrop-test-ca",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                pass);
        keytool(
                dir,
                "-exportcert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                pass,
                "-rfc",
                "-file",
                "ca.crt");
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                "broker.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                pass);
        keytool(
                dir,
                "-certreq",
                "-alias",
                "broker",
                "-keystore",
                "broker.p12",
                "-storepass",
                pass,
                "-file",
                "broker.csr");
        keytool(
                dir,
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                pass,
                "-infile",
                "broker.csr",
                "-outfile",
                "broker.crt",
                "-ext",
                "SAN=IP:127.0.0.1",
                "-validity",
                "2",
                "-rfc");
        keytool(
                dir,
                "-importcert",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                "broker.p12",
                "-storepass",
                pass,
                "-noprompt");
        keytool(
                dir,
                "-importcert",
                "-alias",
                "broker",
                "-file",
                "broker.crt",
                "-keystore",
                "broker.p12",
                "-storepass",
                pass,
                "-noprompt");
        keytool(
                dir,
                "-importcert",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                "truststore.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                pass,
                "-noprompt");
        certificates = dir;
        return dir;
    }

    private static void keytool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    @Override
    public String toString() {
        return kind + (user == null ? "" : " as " + user);
    }
}
