package io.github.nodrop.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonEnricherTest {

    final JsonEnricher enricher = new JsonEnricher();

    static String md5(byte[] bytes) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("MD5").digest(bytes)) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    String enrich(String json) throws Exception {
        byte[] in = json.getBytes(StandardCharsets.UTF_8);
        JsonEnricher.Result result = enricher.enrich(in);
        assertThat(result.ok()).as(result.error()).isTrue();
        assertThat(result.hash()).isEqualTo(md5(in));
        return new String(result.value(), StandardCharsets.UTF_8);
    }

    String refused(byte[] in) {
        JsonEnricher.Result result = enricher.enrich(in);
        assertThat(result.ok()).as("refused").isFalse();
        return result.error();
    }

    String refused(String json) {
        return refused(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHashIsAppendedAndEverythingElseIsKeptByteForByte() throws Exception {
        String in = "{\"level\":\"INFO\",\"msg\":\"hi\"}";
        assertThat(enrich(in))
                .isEqualTo("{\"level\":\"INFO\",\"msg\":\"hi\",\"hash\":\"" + md5(in.getBytes(StandardCharsets.UTF_8))
                        + "\"}");
    }

    @Test
    void anEmptyObjectGetsOnlyTheHash() throws Exception {
        assertThat(enrich("{}")).isEqualTo("{\"hash\":\"" + md5("{}".getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertThat(enrich(" { } \n")).startsWith(" { \"hash\":\"").endsWith("\"} \n");
    }

    @Test
    void whitespaceAroundAndInsideIsKept() throws Exception {
        String in = "\n  { \"a\" : 1 ,\t\"b\" : [ 1 , 2 ] }  \r\n";
        assertThat(enrich(in))
                .startsWith("\n  { \"a\" : 1 ,\t\"b\" : [ 1 , 2 ] ,\"hash\":")
                .endsWith("\"}  \r\n");
    }

    @Test
    void nestedObjectsUnicodeAndEscapesAreKept() throws Exception {
        String in = "{\"user\":{\"name\":\"Zo\u00eb \u2603 \ud83d\ude00\",\"hash\":\"nested stays\"},"
                + "\"esc\":\"a\\\"b\\\\c\\n\\u00e9\\/\",\"n\":-1.5e+10,\"t\":true,\"f\":false,\"z\":null}";
        String out = enrich(in);
        assertThat(out).startsWith(in.substring(0, in.length() - 1) + ",\"hash\":\"");
        assertThat(out).contains("\"hash\":\"nested stays\"");
    }

    @Test
    void anExistingTopLevelHashIsReplacedWhereverItStands() throws Exception {
        String first = "{\"hash\":\"old\",\"a\":1}";
        assertThat(enrich(first)).isEqualTo("{\"a\":1,\"hash\":\"" + md5(bytes(first)) + "\"}");
        String middle = "{\"a\":1, \"hash\":{\"x\":[1]}, \"b\":2}";
        assertThat(enrich(middle)).isEqualTo("{\"a\":1, \"b\":2,\"hash\":\"" + md5(bytes(middle)) + "\"}");
        String last = "{\"a\":1,\"hash\":\"old\"}";
        assertThat(enrich(last)).isEqualTo("{\"a\":1,\"hash\":\"" + md5(bytes(last)) + "\"}");
        String only = "{ \"hash\" : 1 }";
        assertThat(enrich(only)).isEqualTo("{ \"hash\":\"" + md5(bytes(only)) + "\"}");
        String twice = "{\"hash\":1,\"hash\":2,\"a\":3}";
        assertThat(enrich(twice)).isEqualTo("{\"a\":3,\"hash\":\"" + md5(bytes(twice)) + "\"}");
        String escaped = "{\"h\\u0061sh\":1,\"a\":3}";
        assertThat(enrich(escaped)).isEqualTo("{\"a\":3,\"hash\":\"" + md5(bytes(escaped)) + "\"}");
        assertThat(countHashMembers(enrich("{\"a\":{\"hash\":1},\"hash\":2}"))).isEqualTo(2);
    }

    @Test
    void aVeryLargeRecordIsEnriched() throws Exception {
        StringBuilder json = new StringBuilder("{\"lines\":[");
        for (int i = 0; i < 100_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"line number ").append(i).append("\"");
        }
        json.append("]}");
        assertThat(enrich(json.toString())).endsWith("\"}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[1,2]",
                "\"a string\"",
                "42",
                "true",
                "null",
                "{",
                "{\"a\":}",
                "{\"a\" 1}",
                "{a:1}",
                "{\"a\":1,}",
                "{\"a\":01}",
                "{\"a\":1.}",
                "{\"a\":tru}",
                "{\"a\":\"unterminated}",
                "{\"a\":\"bad \\x escape\"}",
                "{\"a\":1} trailing",
                "{\"a\":\"tab\tinside\"}",
                "{}{}",
                "{\"a\":[1,2}",
                "{\"a\":{\"b\":1]}"
            })
    void anythingButAJsonObjectIsRefusedWithAReason(String json) {
        assertThat(refused(json)).isNotBlank();
    }

    @Test
    void emptyWhitespaceNullAndInvalidUtf8AreRefused() {
        assertThat(refused("")).isEqualTo("empty value");
        assertThat(refused("  \n")).isEqualTo("only whitespace");
        assertThat(enricher.enrich(null).error()).contains("tombstone");
        assertThat(refused(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'}))
                .contains("UTF-8");
        assertThat(refused(new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'}))
                .contains("UTF-8"); // an encoded surrogate
        assertThat(refused(new byte[] {'{', '"', (byte) 0xc0, (byte) 0x80, '"', ':', '1', '}'}))
                .contains("UTF-8"); // an overlong encoding
        assertThat(refused("[1]")).contains("not a JSON object");
    }

    @Test
    void nestingOneHundredThousandDeepIsRefusedWithoutOverflowingTheStack() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(refused(deep)).contains("nested deeper than");
        String fine = "{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}";
        assertThat(enricher.enrich(bytes(fine)).ok()).isTrue();
    }

    @Test
    void arbitraryBytesNeverThrowAndEveryAcceptedOutputIsAnEnrichedObject() throws Exception {
        Random random = new Random(20261122L);
        String[] pieces = {
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "a",
            "1",
            "-",
            ".",
            "e",
            "true",
            "null",
            " ",
            "\\",
            "hash",
            "\u00e9",
            "\"hash\":"
        };
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[random.nextInt(40)];
                random.nextBytes(in);
            } else {
                StringBuilder text = new StringBuilder("{");
                for (int j = random.nextInt(12); j > 0; j--) {
                    text.append(pieces[random.nextInt(pieces.length)]);
                }
                in = bytes(text.toString());
            }
            JsonEnricher.Result result = enricher.enrich(in);
            if (result.ok()) {
                accepted++;
                assertThat(result.hash()).isEqualTo(md5(in));
                JsonEnricher.Result again = enricher.enrich(result.value());
                assertThat(again.ok())
                        .as("output is itself a valid object: " + new String(result.value(), StandardCharsets.UTF_8))
                        .isTrue();
                assertThat(countHashMembers(new String(result.value(), StandardCharsets.UTF_8)))
                        .isGreaterThanOrEqualTo(1);
            } else {
                assertThat(result.error()).isNotBlank();
            }
        }
        assertThat(accepted).isPositive();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static int countHashMembers(String json) {
        int count = 0;
        for (int i = json.indexOf("\"hash\":"); i >= 0; i = json.indexOf("\"hash\":", i + 1)) {
            count++;
        }
        return count;
    }
}
