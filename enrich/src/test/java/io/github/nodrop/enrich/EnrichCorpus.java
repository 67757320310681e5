package io.github.nodrop.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs every user of the enrichment is held to (the transformer, the Kafka Connect transform, the
 * Kafka Streams processor), each with the exact bytes out or the reason it is refused, from
 * {@code corpus.tsv} beside this class. The same input bytes must give the same output bytes everywhere.
 *
 * <p>{@code main} writes the file again from {@link #inputs()} with the enricher as it is; a change to the
 * file is a change of behaviour, and shows in review as one.
 */
public final class EnrichCorpus {

    private static final String FILE = "corpus.tsv";

    /** One input and what the enrichment must make of it. */
    public static final class Case {
        public final String name;
        public final byte[] input;
        /** The enriched bytes, or {@code null} when the input is refused. */
        public final byte[] output;
        /** The reason of a refusal, or {@code null}. */
        public final String error;

        Case(String name, byte[] input, byte[] output, String error) {
            this.name = name;
            this.input = input;
            this.output = output;
            this.error = error;
        }

        public boolean refused() {
            return output == null;
        }

        /** Whether the input is text (valid UTF-8), so it can travel as a {@code String} value too. */
        public boolean isText() {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(input));
                return true;
            } catch (java.nio.charset.CharacterCodingException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private EnrichCorpus() {}

    /** The cases, from the golden file. */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = EnrichCorpus.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is not on the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Base64.Decoder b64 = Base64.getDecoder();
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                byte[] input = b64.decode(f[1]);
                if ("ok".equals(f[2])) {
                    cases.add(new Case(f[0], input, b64.decode(f[3]), null));
                } else {
                    cases.add(new Case(f[0], input, null, f[3]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The inputs, by name: what the golden file is made from. */
    static Map<String, byte[]> inputs() {
        Map<String, byte[]> in = new LinkedHashMap<>();
        text(in, "simple", "{\"level\":\"INFO\",\"message\":\"hello\"}");
        text(in, "empty object", "{}");
        text(in, "empty object with spaces", " { } \n");
        text(in, "whitespace kept", "\n  { \"a\" : 1 ,\t\"b\" : [ 1 , 2 ] }  \r\n");
        text(
                in,
                "ecs from log4j2",
                "{\"@timestamp\":\"2026-12-03T10:15:30.123Z\",\"ecs.version\":\"1.2.0\",\"log.level\":\"INFO\","
                        + "\"message\":\"order 42 shipped\",\"process.thread.name\":\"main\",\"log.logger\":\"shop.Orders\"}");
        text(
                in,
                "ecs from logback",
                "{\"@timestamp\":\"2026-12-03T10:15:30.123Z\",\"log.level\":\"WARN\",\"message\":\"slow \\\"db\\\"\","
                        + "\"ecs.version\":\"1.2.0\",\"service.name\":\"shop\",\"event.dataset\":\"shop\","
                        + "\"process.thread.name\":\"http-1\",\"log.logger\":\"shop.Db\"}\n");
        text(
                in,
                "logback json encoder",
                "{\"sequenceNumber\":0,\"timestamp\":1764756930123,\"nanoseconds\":123000000,\"level\":\"INFO\","
                        + "\"threadName\":\"main\",\"loggerName\":\"shop.Orders\",\"context\":{\"name\":\"default\","
                        + "\"birthdate\":1764756929000,\"properties\":{}},\"mdc\": {},\"message\":\"hi\","
                        + "\"throwable\":null}");
        text(
                in,
                "unicode and escapes",
                "{\"user\":\"Zo\u00eb \u2603 \ud83d\ude00\",\"esc\":\"a\\\"b\\\\c\\n\\u00e9\\/\"}");
        text(
                in,
                "numbers and literals",
                "{\"n\":-1.5e+10,\"i\":0,\"big\":123456789012345678901234567890,\"t\":true,"
                        + "\"f\":false,\"z\":null}");
        text(in, "hash first", "{\"hash\":\"old\",\"a\":1}");
        text(in, "hash in the middle", "{\"a\":1, \"hash\":{\"x\":[1]}, \"b\":2}");
        text(in, "hash last", "{\"a\":1,\"hash\":\"old\"}");
        text(in, "hash only", "{\"hash\":\"old\"}");
        text(in, "hash twice", "{\"hash\":1,\"a\":2,\"hash\":3}");
        text(in, "nested hash kept", "{\"a\":{\"hash\":\"inner\"},\"b\":[{\"hash\":1}]}");
        text(in, "escaped name hash", "{\"h\\u0061sh\":\"old\",\"a\":1}");
        text(in, "escaped unpaired surrogate in a name", "{\"\\ud800\":1}");
        text(in, "deep nesting", "{\"a\":" + "[".repeat(900) + "]".repeat(900) + "}");
        text(in, "long string", "{\"message\":\"" + "x".repeat(70_000) + "\"}");
        text(in, "array", "[1,2,3]");
        text(in, "string", "\"just text\"");
        text(in, "number", "42");
        text(in, "plain text line", "2026-12-03 10:15:30 INFO shop.Orders - order 42 shipped");
        text(in, "empty", "");
        text(in, "whitespace only", " \n");
        text(in, "two objects", "{\"a\":1}{\"b\":2}");
        text(in, "trailing garbage", "{\"a\":1} x");
        text(in, "trailing comma", "{\"a\":1,}");
        text(in, "single quotes", "{'a':1}");
        text(in, "unquoted name", "{a:1}");
        text(in, "truncated", "{\"a\":\"unfinished");
        text(in, "comment", "{/* no */\"a\":1}");
        text(in, "nan", "{\"a\":NaN}");
        text(in, "leading zero", "{\"a\":01}");
        text(in, "control character in a string", "{\"a\":\"tab\there\"}");
        text(in, "too deep", "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}");
        bytes(in, "byte order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"a\":1}")));
        bytes(in, "nul byte first", concat(new byte[] {0}, utf8("{\"a\":1}")));
        bytes(in, "invalid utf-8", concat(utf8("{\"a\":\""), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\"}")));
        bytes(in, "overlong utf-8", concat(utf8("{\"a\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}")));
        bytes(in, "utf-16", "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE));
        bytes(in, "latin-1", "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        return in;
    }

    /** Writes the golden file from {@link #inputs()}: {@code main <path of corpus.tsv>}. */
    public static void main(String[] args) throws IOException {
        Path out = Paths.get(args.length > 0 ? args[0] : "enrich/src/test/resources/io/github/nodrop/enrich/" + FILE);
        JsonEnricher enricher = new JsonEnricher();
        Base64.Encoder b64 = Base64.getEncoder();
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(
                    "# name\tinput (base64)\tok|refused\toutput (base64) or the reason; written by EnrichCorpus.main\n");
            for (Map.Entry<String, byte[]> e : inputs().entrySet()) {
                JsonEnricher.Result r = enricher.enrich(e.getValue());
                w.write(e.getKey() + "\t" + b64.encodeToString(e.getValue()) + "\t"
                        + (r.ok()
                                ? "ok\t" + b64.encodeToString(r.value())
                                : "refused\t" + r.error().replace('\t', ' ').replace('\n', ' '))
                        + "\n");
            }
        }
    }

    private static void text(Map<String, byte[]> in, String name, String json) {
        bytes(in, name, utf8(json));
    }

    private static void bytes(Map<String, byte[]> in, String name, byte[] value) {
        if (in.put(name, value) != null) {
            throw new IllegalStateException("two cases named " + name);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return Arrays.copyOf(all, n);
    }
}
