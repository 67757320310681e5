package io.github.nodrop.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonEnricher} against jackson-core's streaming parser, over generated valid objects and hostile input.
 * JsonEnricher is built on the same parser (it skips strings and nested values, and corrects the deviations
 * below itself); the oracle here decodes every string and rebuilds every value, and corrects the deviations
 * its own way, so the two check each other's corrections, the cut of existing {@code hash} members and the
 * splice.
 *
 * <p>The oracle is Jackson with its default features (every lenient {@link JsonReadFeature} off), the whole
 * input read to its end (any token after the top-level object makes the input invalid), every string decoded
 * with {@code getText()} so that its UTF-8 is checked, and two limits set: numbers of any length (RFC 8259
 * sets none; Jackson's default of 1000 digits is a guard against slow number parsing) and the nesting limit of
 * {@link JsonEnricher#MAX_DEPTH} levels (RFC 8259 section 9 lets a parser limit nesting; Jackson's default is
 * the same 1000).
 *
 * <p>Where jackson-core 2.21 departs from RFC 8259, the oracle corrects it, counts the input under the
 * deviation and prints the counts (target/surefire-reports/...-output.txt). Each deviation is pinned with an
 * example in {@link #jacksonDepartsFromRfc8259HereAndTheOracleCorrectsIt()}:
 *
 * <ul>
 *   <li>{@link #NOT_UTF8}: Jackson's UTF-8 decoder accepts overlong forms ({@code C0 80}, {@code E0 80 AF},
 *       {@code F0 80 80 80}) and sequences beyond U+10FFFF ({@code F4 90 80 80}, lead bytes {@code F5}-{@code
 *       F7}). RFC 8259 section 8.1 requires UTF-8, and RFC 3629 forbids all of these: the input is invalid. The
 *       oracle decodes with the JDK's decoder, which reports them. JsonEnricher is right.
 *   <li>{@link #NOT_UTF8_ENCODING}: Jackson guesses UTF-16 or UTF-32 when the first four bytes hold a NUL
 *       ({@code '{',0,'}',0} parses as an empty object). RFC 8259 requires UTF-8, in which a JSON text can hold
 *       no NUL byte at all (not whitespace outside strings, a control character inside them): invalid.
 *       JsonEnricher is right.
 *   <li>{@link #BOM}: Jackson skips a leading UTF-8 byte order mark. RFC 8259 section 8.1 lets a parser
 *       ignore it ("MAY") and forbids writing one; JsonEnricher refuses it, as its strict checking says. Both
 *       conform; the oracle follows JsonEnricher's documented policy.
 *   <li>{@link #SURROGATE_NAME}: Jackson refuses a member name with an escaped unpaired surrogate (<code>
 *       {"&#92;ud800":1}</code>: "Broken surrogate pair in field name"), while it accepts the same escape in a string
 *       value. RFC 8259 section 7's grammar allows any {@code \}{@code uXXXX}, and section 8.2 names <code>
 *       "&#92;uDEAD"</code> as allowed by the grammar: the input is valid. The oracle rewrites every escaped surrogate
 *       to {@code \}{@code u0058} (the same length, so byte offsets hold) and asks Jackson again. JsonEnricher
 *       is right.
 * </ul>
 *
 * <p>Duplicate member names are valid (RFC 8259 section 4: names "SHOULD" be unique); a second Jackson with
 * {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION} only tells which inputs have them, to check that they
 * are accepted and kept in order.
 */
class JsonEnricherDifferentialTest {

    static final String NOT_UTF8 = "Jackson accepts bytes that are not UTF-8 (overlong, beyond U+10FFFF)";
    static final String NOT_UTF8_ENCODING = "Jackson reads NUL bytes at the start as UTF-16/UTF-32";
    static final String BOM = "Jackson skips a UTF-8 byte order mark (RFC: MAY; JsonEnricher refuses)";
    static final String SURROGATE_NAME = "Jackson refuses an escaped unpaired surrogate in a member name";

    static final JsonFactory JACKSON = jackson().build();
    static final JsonFactory JACKSON_NO_DUPLICATES =
            jackson().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static JsonFactoryBuilder jackson() {
        return new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxNestingDepth(JsonEnricher.MAX_DEPTH)
                        .build());
    }

    final JsonEnricher enricher = new JsonEnricher();

    // ---------------------------------------------------------------------------------------------------------
    // the tests

    @Test
    void generatedValidObjectsAreAcceptedByBothAndEnrichedExactly() {
        Random random = new Random(0x6a736f6eL);
        Tally tally = new Tally("(a) generated valid objects");
        for (int i = 0; i < 3000; i++) {
            byte[] in = utf8(document(random, i % 10 == 0 ? 0 : 1 + random.nextInt(8)));
            Verdict verdict = tally.check("generated #" + i, in);
            // the generator makes valid JSON only: a refusal by the oracle is a bug of the generator
            assertThat(verdict.ok())
                    .as("generated #%d is valid: %s (%s)", i, show(in), verdict.reason())
                    .isTrue();
        }
        tally.report();
        assertThat(tally.accepted).isEqualTo(3000);
        assertThat(tally.with.getOrDefault("a top-level hash member", 0)).isGreaterThan(1000);
        assertThat(tally.with.getOrDefault("two or more top-level hash members", 0))
                .isGreaterThan(200);
        assertThat(tally.with.getOrDefault("a hash member spelled with escapes", 0))
                .isGreaterThan(200);
        assertThat(tally.with.getOrDefault("a nested hash member", 0)).isGreaterThan(200);
        assertThat(tally.with.getOrDefault("duplicate member names", 0)).isGreaterThan(200);
        assertThat(tally.with.getOrDefault("nothing but hash members", 0)).isGreaterThan(20);
        assertThat(tally.with.getOrDefault("the empty object", 0)).isGreaterThan(20);
        tally.assertNoDisagreement();
    }

    @Test
    void hostileInputIsJudgedTheSameByBoth() {
        Random random = new Random(0x686f7374L);
        Tally tally = new Tally("(b) hostile input");

        int n = 0;
        for (String doc : HOSTILE_DOCUMENTS) {
            tally.check("crafted #" + n++, utf8(doc));
        }
        for (byte[] doc : hostileByteDocuments()) {
            tally.check("crafted bytes #" + n++, doc);
        }
        // nesting around the limit: levels counts the top-level object
        for (int levels : new int[] {1, 2, 500, 998, 999, 1000, 1001, 1002, 5000, 100_000}) {
            tally.check("arrays " + levels + " deep", nested(levels, "array", "1"));
            tally.check("empty arrays " + levels + " deep", nested(levels, "array", ""));
            tally.check("objects " + levels + " deep", nested(levels, "object", "1"));
            tally.check("mixed " + levels + " deep", nested(levels, "mixed", "\"x\""));
            byte[] deep = nested(levels, "hash", "{}");
            tally.check("objects named hash " + levels + " deep", deep);
            tally.check("cut short " + levels + " deep", Arrays.copyOf(deep, deep.length - 1));
        }
        // a bad byte sequence, or a bad or unusual escape, in each place it can stand
        for (byte[] bad : BAD_SEQUENCES) {
            for (int context = 0; context < CONTEXTS; context++) {
                tally.check("sequence " + hex(bad) + " in context " + context, inContext(random, context, bad));
            }
        }
        for (String escape : ESCAPES) {
            for (int context = 0; context < CONTEXTS; context++) {
                tally.check("escape " + escape + " in context " + context, inContext(random, context, utf8(escape)));
            }
        }
        for (int c = 0; c < 0x20; c++) {
            for (int context = 0; context < CONTEXTS; context++) {
                tally.check("control 0x" + Integer.toHexString(c), inContext(random, context, new byte[] {(byte) c}));
            }
        }
        for (String token : BAD_TOKENS) {
            tally.check("token " + token, utf8("{\"a\":" + token + "}"));
            tally.check("token " + token + " in an array", utf8("{\"a\":[1, " + token + "]}"));
            tally.check("token " + token + " after the object", utf8("{\"a\":1} " + token));
            tally.check("token " + token + " at the top", utf8(" " + token + " "));
        }
        // truncated, followed by garbage, not an object at the top, mutated
        for (int i = 0; i < 800; i++) {
            byte[] doc = utf8(document(random, random.nextInt(6)));
            tally.check("truncated #" + i, Arrays.copyOf(doc, random.nextInt(doc.length)));
        }
        for (int i = 0; i < 300; i++) {
            byte[] doc = utf8(document(random, random.nextInt(4)));
            tally.check("garbage after #" + i, concat(doc, utf8(GARBAGE[random.nextInt(GARBAGE.length)])));
        }
        for (int i = 0; i < 200; i++) {
            tally.check("top-level value #" + i, utf8(ws(random) + topLevelNonObject(random, i) + ws(random)));
        }
        for (int i = 0; i < 3000; i++) {
            tally.check("mutated #" + i, mutate(random, utf8(document(random, random.nextInt(5)))));
        }
        tally.report();
        assertThat(tally.cases).isGreaterThan(5000);
        assertThat(tally.accepted).isGreaterThan(500);
        assertThat(tally.refused).isGreaterThan(3000);
        assertThat(tally.deviations.keySet()).contains(NOT_UTF8, NOT_UTF8_ENCODING, BOM, SURROGATE_NAME);
        tally.assertNoDisagreement();
    }

    @Test
    void theOracleIsStrict() {
        for (JsonReadFeature lenient : JsonReadFeature.values()) {
            assertThat(JACKSON.isEnabled(lenient.mappedFeature()))
                    .as(lenient.name())
                    .isFalse();
        }
        assertThat(JACKSON.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
                .isFalse();
        assertThat(JACKSON_NO_DUPLICATES.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
                .isTrue();
        assertThat(oracle(utf8("{\"a\":1} {}")).ok()).as("a second value").isFalse();
        assertThat(oracle(utf8("{\"a\":1}\n\t ")).ok()).as("whitespace after").isTrue();
        assertThat(oracle(utf8("{\"a\":1,\"a\":2}")).ok())
                .as("a duplicate name")
                .isTrue();
        assertThat(oracle(utf8("{\"a\":" + "9".repeat(5000) + "}")).ok())
                .as("5000 digits")
                .isTrue();
    }

    @Test
    void nestingIsLimitedAtTheSameDepthByBoth() {
        for (int levels = JsonEnricher.MAX_DEPTH - 2; levels <= JsonEnricher.MAX_DEPTH + 2; levels++) {
            byte[] in = nested(levels, "array", "0");
            boolean allowed = levels <= JsonEnricher.MAX_DEPTH;
            assertThat(oracle(in).ok()).as("Jackson, %d levels", levels).isEqualTo(allowed);
            assertThat(enricher.enrich(in).ok())
                    .as("JsonEnricher, %d levels", levels)
                    .isEqualTo(allowed);
        }
    }

    /** Where Jackson is not RFC 8259, with the verdict of raw Jackson, of the oracle and of JsonEnricher. */
    @Test
    void jacksonDepartsFromRfc8259HereAndTheOracleCorrectsIt() {
        // raw Jackson accepts, RFC 8259 (and JsonEnricher) refuse
        for (byte[] in : List.of(
                bytes('{', '"', 'a', '"', ':', '"', 0xc0, 0x80, '"', '}'), // overlong NUL
                bytes('{', '"', 0xc1, 0xbf, '"', ':', '1', '}'), // overlong '\x7f', in a name
                bytes('{', '"', 'a', '"', ':', '"', 0xe0, 0x80, 0xaf, '"', '}'), // overlong '/'
                bytes('{', '"', 'a', '"', ':', '"', 0xf0, 0x80, 0x80, 0xaf, '"', '}'), // overlong '/'
                bytes('{', '"', 'a', '"', ':', '"', 0xf4, 0x90, 0x80, 0x80, '"', '}'), // U+110000
                bytes('{', '"', 'a', '"', ':', '"', 0xf5, 0x80, 0x80, 0x80, '"', '}'))) {
            assertThat(rawJackson(in)).as(show(in)).isNull();
            assertThat(oracle(in).deviation()).isEqualTo(NOT_UTF8);
            assertThat(enricher.enrich(in).error()).as(show(in)).contains("UTF-8");
        }
        byte[] utf16 = bytes('{', 0, '}', 0);
        assertThat(rawJackson(utf16)).isNull();
        assertThat(oracle(utf16).deviation()).isEqualTo(NOT_UTF8_ENCODING);
        assertThat(enricher.enrich(utf16).ok()).isFalse();
        byte[] bom = bytes(0xef, 0xbb, 0xbf, '{', '}');
        assertThat(rawJackson(bom)).isNull();
        assertThat(oracle(bom).deviation()).isEqualTo(BOM);
        assertThat(enricher.enrich(bom).ok()).isFalse();

        // raw Jackson refuses, RFC 8259 (and JsonEnricher) accept
        for (String name : List.of("\\ud800", "\\uDC00", "x\\ud800", "\\ud800\\u0041", "\\udc00\\ud800")) {
            byte[] in = utf8("{\"" + name + "\":1,\"hash\":2}");
            assertThat(rawJackson(in)).as(show(in)).contains("surrogate").contains("field name");
            assertThat(oracle(in).ok()).isTrue();
            assertThat(oracle(in).deviation()).isEqualTo(SURROGATE_NAME);
            assertThat(enricher.enrich(in).ok()).as(show(in)).isTrue();
            // in a value Jackson takes it
            assertThat(rawJackson(utf8("{\"a\":\"" + name + "\"}"))).isNull();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the oracle

    /** The oracle's judgement: the parsed input when valid, else why not; the deviation it corrected, if any. */
    record Verdict(boolean ok, Parsed parsed, String reason, String deviation, boolean rewritten) {}

    /** A top-level object: its members in order, with the byte offset of each name, and of the closing brace. */
    record Parsed(List<Member> members, int close) {}

    record Member(Field field, int nameStart) {}

    /** A member: its name, and its value in canonical form (see {@link #value(JsonParser, JsonToken)}). */
    record Field(String name, String value) {}

    static Verdict oracle(byte[] in) {
        Parsed parsed = null;
        String jacksonError = null;
        try {
            parsed = parse(JACKSON, in);
        } catch (IOException e) {
            jacksonError = firstLine(e.getMessage());
        }
        boolean jacksonOk = parsed != null;
        if (!isUtf8(in)) {
            return new Verdict(false, null, "not UTF-8", jacksonOk ? NOT_UTF8 : null, false);
        }
        if (indexOf(in, (byte) 0) >= 0) {
            return new Verdict(false, null, "a NUL byte", jacksonOk ? NOT_UTF8_ENCODING : null, false);
        }
        if (in.length >= 3 && (in[0] & 0xff) == 0xef && (in[1] & 0xff) == 0xbb && (in[2] & 0xff) == 0xbf) {
            return new Verdict(false, null, "a byte order mark", jacksonOk ? BOM : null, false);
        }
        if (!jacksonOk && jacksonError.contains("surrogate") && jacksonError.contains("field name")) {
            try {
                Parsed again = parse(JACKSON, neutralizeSurrogateEscapes(in));
                return new Verdict(true, again, null, SURROGATE_NAME, true);
            } catch (IOException e) {
                return new Verdict(false, null, firstLine(e.getMessage()), null, true);
            }
        }
        return new Verdict(jacksonOk, parsed, jacksonError, null, false);
    }

    /** Raw Jackson's verdict: null when it accepts the input as one object, else its error. */
    static String rawJackson(byte[] in) {
        try {
            parse(JACKSON, in);
            return null;
        } catch (IOException e) {
            return firstLine(e.getMessage());
        }
    }

    /** One object read with Jackson to the end of the input; throws if it is anything else. */
    static Parsed parse(JsonFactory factory, byte[] in) throws IOException {
        try (JsonParser p = factory.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("not an object at the top: " + first);
            }
            List<Member> members = new ArrayList<>();
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                int nameStart = Math.toIntExact(p.currentTokenLocation().getByteOffset());
                String name = p.currentName();
                members.add(new Member(new Field(name, value(p, p.nextToken())), nameStart));
            }
            if (token != JsonToken.END_OBJECT) {
                throw new IOException("unexpected " + token);
            }
            int close = Math.toIntExact(p.currentTokenLocation().getByteOffset());
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new IOException("a token after the object: " + extra);
            }
            return new Parsed(members, close);
        }
    }

    /**
     * The value starting at token, read to its end, written canonically (no whitespace, strings and names
     * with only {@code \\}, {@code \"} and {@code \}{@code uXXXX} escapes, numbers as written): two values are
     * equal when their canonical forms are. A string compares without deep recursion, at any nesting depth.
     */
    static String value(JsonParser p, JsonToken token) throws IOException {
        StringBuilder out = new StringBuilder();
        value(p, token, out);
        return out.toString();
    }

    static void value(JsonParser p, JsonToken token, StringBuilder out) throws IOException {
        switch (token) {
            case START_OBJECT:
                out.append('{');
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    quote(p.currentName(), out).append(':');
                    value(p, p.nextToken(), out);
                    out.append(',');
                }
                out.append('}');
                break;
            case START_ARRAY:
                out.append('[');
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    value(p, item, out);
                    out.append(',');
                }
                out.append(']');
                break;
            case VALUE_STRING:
                quote(p.getText(), out);
                break;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                out.append('#').append(p.getText());
                break;
            case VALUE_TRUE:
            case VALUE_FALSE:
            case VALUE_NULL:
                out.append(token.asString());
                break;
            default:
                throw new IOException("unexpected " + token);
        }
    }

    static StringBuilder quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /** Every escaped surrogate inside a string becomes backslash-u0058, "X": same length, so offsets hold. */
    static byte[] neutralizeSurrogateEscapes(byte[] in) {
        byte[] out = in.clone();
        boolean inString = false;
        for (int i = 0; i < out.length; i++) {
            byte c = out[i];
            if (!inString) {
                inString = c == '"';
            } else if (c == '"') {
                inString = false;
            } else if (c == '\\' && i + 1 < out.length) {
                if (out[i + 1] == 'u'
                        && i + 5 < out.length
                        && (out[i + 2] == 'd' || out[i + 2] == 'D')
                        && "89abcdefABCDEF".indexOf(out[i + 3]) >= 0
                        && isHex(out[i + 4])
                        && isHex(out[i + 5])) {
                    out[i + 2] = '0';
                    out[i + 3] = '0';
                    out[i + 4] = '5';
                    out[i + 5] = '8';
                }
                i++;
            }
        }
        return out;
    }

    static boolean isHex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    static boolean isUtf8(byte[] in) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the comparison

    final class Tally {
        final String name;
        int cases;
        int accepted;
        int refused;
        final Map<String, Integer> deviations = new TreeMap<>();
        final Map<String, Integer> with = new TreeMap<>();
        final List<String> disagreements = new ArrayList<>();

        Tally(String name) {
            this.name = name;
        }

        Verdict check(String label, byte[] in) {
            cases++;
            Verdict verdict = oracle(in);
            JsonEnricher.Result result = enricher.enrich(in);
            if (verdict.deviation() != null) {
                deviations.merge(verdict.deviation(), 1, Integer::sum);
            }
            if (result.ok() != verdict.ok()) {
                disagreements.add(
                        label + ": JsonEnricher " + (result.ok() ? "accepts" : "refuses (" + result.error() + ")")
                                + ", the oracle " + (verdict.ok() ? "accepts" : "refuses (" + verdict.reason() + ")")
                                + ", raw Jackson " + Objects.toString(rawJackson(in), "accepts") + ": " + show(in));
                return verdict;
            }
            if (!result.ok()) {
                refused++;
                if (result.error() == null || result.error().isBlank() || result.value() != null) {
                    disagreements.add(label + ": a refusal without a reason: " + show(in));
                }
                return verdict;
            }
            accepted++;
            try {
                checkEnriched(in, verdict, result);
                count(in, verdict.parsed());
            } catch (AssertionError | IOException e) {
                disagreements.add(
                        label + ": " + firstLine(e.getMessage()) + ": " + show(in) + " -> " + show(result.value()));
            }
            return verdict;
        }

        void count(byte[] in, Parsed parsed) {
            long hashes = parsed.members().stream()
                    .filter(m -> m.field().name().equals("hash"))
                    .count();
            Consumer<String> seen = key -> with.merge(key, 1, Integer::sum);
            if (hashes >= 1) {
                seen.accept("a top-level hash member");
            }
            if (hashes >= 2) {
                seen.accept("two or more top-level hash members");
            }
            if (hashes > 0 && hashes == parsed.members().size()) {
                seen.accept("nothing but hash members");
            }
            if (parsed.members().isEmpty()) {
                seen.accept("the empty object");
            }
            for (Member m : parsed.members()) {
                if (m.field().name().equals("hash")
                        && !new String(in, m.nameStart(), 6, StandardCharsets.ISO_8859_1).equals("\"hash\"")) {
                    seen.accept("a hash member spelled with escapes");
                    break;
                }
            }
            if (hasNestedHash(parsed)) {
                seen.accept("a nested hash member");
            }
            try {
                parse(JACKSON_NO_DUPLICATES, in);
            } catch (IOException e) {
                if (e.getMessage().contains("Duplicate")) {
                    seen.accept("duplicate member names");
                }
            }
        }

        void report() {
            System.out.printf(
                    "%s: %d cases, %d accepted by both, %d refused by both, %d disagreements%n",
                    name, cases, accepted, refused, disagreements.size());
            System.out.println("  Jackson's deviations from RFC 8259 corrected by the oracle: " + deviations);
            System.out.println("  accepted inputs with: " + with);
            disagreements.stream().limit(50).forEach(d -> System.out.println("  DISAGREEMENT " + d));
        }

        void assertNoDisagreement() {
            assertThat(disagreements)
                    .as(
                            "%d disagreements, the first: %s",
                            disagreements.size(),
                            disagreements.stream().limit(10).toList())
                    .isEmpty();
        }
    }

    /** The enriched output: the right members, and the input's bytes with only the documented splice. */
    static void checkEnriched(byte[] in, Verdict verdict, JsonEnricher.Result result) throws IOException {
        String md5 = md5Hex(in);
        byte[] out = result.value();
        assertThat(result.hash()).as("hash").isEqualTo(md5);
        assertThat(isUtf8(out)).as("output is UTF-8").isTrue();

        // (2a) as Jackson reads it: the input's members without top-level "hash", then "hash" = the MD5, once
        Parsed input = verdict.parsed();
        Parsed output = parse(JACKSON, verdict.rewritten() ? neutralizeSurrogateEscapes(out) : out);
        List<Field> expected = new ArrayList<>();
        for (Member m : input.members()) {
            if (!m.field().name().equals("hash")) {
                expected.add(m.field());
            }
        }
        expected.add(new Field("hash", "\"" + md5 + "\""));
        assertThat(output.members().stream().map(Member::field).toList())
                .as("members of the output")
                .isEqualTo(expected);
        assertThat(output.members().stream()
                        .filter(m -> m.field().name().equals("hash"))
                        .count())
                .isEqualTo(1);

        // (2b) byte for byte: out = in[0, close) minus the removed members, + the new member + in[close, end)
        int close = input.close();
        int removed = 0;
        boolean[] member = new boolean[close]; // the bytes of a top-level hash member, name to value
        boolean[] around = new boolean[close]; // those and the commas and whitespace around them
        for (int i = 0; i < input.members().size(); i++) {
            Member m = input.members().get(i);
            if (!m.field().name().equals("hash")) {
                continue;
            }
            removed++;
            boolean last = i == input.members().size() - 1;
            int end = valueEnd(in, last ? close : input.members().get(i + 1).nameStart(), !last);
            Arrays.fill(member, m.nameStart(), end, true);
            int from = m.nameStart();
            while (isWhitespaceOrComma(in[from - 1])) {
                from--;
            }
            int to = end;
            while (isWhitespaceOrComma(in[to])) {
                to++;
            }
            Arrays.fill(around, from, to, true);
        }
        int remaining = input.members().size() - removed;
        byte[] inserted = utf8((remaining > 0 ? "," : "") + "\"hash\":\"" + md5 + "\"");
        int tail = in.length - close;
        assertThat(out.length).as("output length").isGreaterThanOrEqualTo(tail + inserted.length);
        assertThat(Arrays.copyOfRange(out, out.length - tail, out.length))
                .as("output ends with the input's closing brace and what follows it")
                .isEqualTo(Arrays.copyOfRange(in, close, in.length));
        int prefixLength = out.length - tail - inserted.length;
        assertThat(new String(out, prefixLength, inserted.length, StandardCharsets.UTF_8))
                .as("the inserted member, before the closing brace")
                .isEqualTo(new String(inserted, StandardCharsets.UTF_8));
        // what is left must be in[0, close) with the removed members cut out, and with them only commas and
        // whitespace next to them (a greedy match finds such a cut whenever one exists)
        int o = 0;
        int commas = 0;
        for (int i = 0; i < close; i++) {
            if (member[i]) {
                continue;
            }
            if (o < prefixLength && out[o] == in[i]) {
                o++;
                continue;
            }
            assertThat(around[i] && isWhitespaceOrComma(in[i]))
                    .as("byte %d of the input (%s) is missing from the output", i, show(new byte[] {in[i]}))
                    .isTrue();
            if (in[i] == ',') {
                commas++;
            }
        }
        assertThat(o)
                .as("the output holds only bytes of the input before the new member")
                .isEqualTo(prefixLength);
        assertThat(commas)
                .as(
                        "commas removed with %d hash members of %d",
                        removed, input.members().size())
                .isEqualTo(removed == 0 ? 0 : remaining > 0 ? removed : removed - 1);
    }

    /** Where the value before next ends: back over whitespace, and over a comma when a member follows. */
    static int valueEnd(byte[] in, int next, boolean memberFollows) {
        int i = next;
        while (isWhitespace(in[i - 1])) {
            i--;
        }
        if (memberFollows) {
            assertThat(in[i - 1]).as("a comma between members").isEqualTo((byte) ',');
            i--;
            while (isWhitespace(in[i - 1])) {
                i--;
            }
        }
        return i;
    }

    static boolean hasNestedHash(Parsed parsed) {
        return parsed.members().stream().anyMatch(m -> m.field().value().contains("\"hash\":"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // valid JSON

    static final String[] WHITESPACE = {" ", "\n", "\t", "\r\n", "  ", " \t\r\n ", "\r"};

    static String ws(Random random) {
        return random.nextInt(3) == 0 ? WHITESPACE[random.nextInt(WHITESPACE.length)] : "";
    }

    static final String[] HASH_NAMES = {
        "\"hash\"",
        "\"hash\"",
        "\"hash\"",
        "\"h\\u0061sh\"",
        "\"\\u0068ash\"",
        "\"has\\u0068\"",
        "\"\\u0068\\u0061\\u0073\\u0068\"",
        "\"ha\\u0073h\""
    };

    static final String[] NAMES = {
        "\"a\"",
        "\"b\"",
        "\"level\"",
        "\"message\"",
        "\"@timestamp\"",
        "\"mdc\"",
        "\"\"",
        "\"Hash\"",
        "\"HASH\"",
        "\"hash \"",
        "\"hashh\"",
        "\"has\"",
        "\"h\\\\ash\"",
        "\"\\u0068\\u0041sh\"",
        "\"h\\u0061sh\\u0000\"",
        "\"\\u00e9t\\u00e9\"",
        "\"\u65e5\u5fd7\"",
        "\"\\ud83d\\ude00\"",
        "\"\ud83d\ude00\"",
        "\"a\\\"b\"",
        "\"a\\/b\""
    };

    static String name(Random random) {
        // now and then an unpaired surrogate escape: valid per RFC 8259, refused by Jackson in a name
        return random.nextInt(60) == 0 ? "\"x\\ud800y\"" : NAMES[random.nextInt(NAMES.length)];
    }

    /** A valid JSON object with about this many top-level members, some named hash. */
    static String document(Random random, int members) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            parts.add(member(random, name(random), 1));
        }
        int hashes = new int[] {0, 0, 1, 1, 1, 2, 3}[random.nextInt(7)];
        for (int i = 0; i < hashes; i++) {
            String name = HASH_NAMES[random.nextInt(HASH_NAMES.length)];
            parts.add(random.nextInt(parts.size() + 1), member(random, name, 1));
        }
        StringBuilder json = new StringBuilder(ws(random)).append('{');
        if (parts.isEmpty()) {
            json.append(ws(random));
        }
        json.append(String.join(",", parts)).append('}').append(ws(random));
        return json.toString();
    }

    static String member(Random random, String name, int depth) {
        return ws(random) + name + ws(random) + ':' + ws(random) + value(random, depth) + ws(random);
    }

    static String value(Random random, int depth) {
        int kind = random.nextInt(depth < 6 ? 10 : 7);
        switch (kind) {
            case 0:
            case 1:
            case 2:
                return string(random);
            case 3:
            case 4:
                return number(random);
            case 5:
                return new String[] {"true", "false", "null"}[random.nextInt(3)];
            case 6:
                return string(random);
            case 7:
            case 8: {
                List<String> parts = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    String name = random.nextInt(4) == 0 ? HASH_NAMES[random.nextInt(HASH_NAMES.length)] : name(random);
                    parts.add(member(random, name, depth + 1));
                }
                return '{' + (parts.isEmpty() ? ws(random) : String.join(",", parts)) + '}';
            }
            default: {
                List<String> parts = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    parts.add(ws(random) + value(random, depth + 1) + ws(random));
                }
                return '[' + (parts.isEmpty() ? ws(random) : String.join(",", parts)) + ']';
            }
        }
    }

    static final String[] STRING_PIECES = {
        "\\\"",
        "\\\\",
        "\\/",
        "\\b",
        "\\f",
        "\\n",
        "\\r",
        "\\t",
        "\\u0000",
        "\\u001f",
        "\\u007F",
        "\\u00e9",
        "\\uFFFF",
        "\\ud83d\\ude00",
        "\\uD83D\\uDE00",
        "\\udbff\\udfff",
        "\\ud800", // an unpaired surrogate escape: valid per RFC 8259 (section 8.2)
        "\\uDC00x",
        "\u00e9",
        "\u20ac",
        "\u65e5\u672c",
        "\ud83d\ude00",
        "\u007f",
        "\u0080",
        "\u07ff",
        "\u0800",
        "\ud7ff",
        "\ue000",
        "\ufeff",
        "\uffff",
        "\ud800\udc00",
        "\udbff\udfff",
        "hash",
        "\\\"hash\\\":",
        " ",
        "{}[],:"
    };

    static String string(Random random) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = random.nextInt(8); i > 0; i--) {
            switch (random.nextInt(4)) {
                case 0:
                    for (int j = 1 + random.nextInt(10); j > 0; j--) {
                        char c = (char) (0x20 + random.nextInt(0x5f));
                        text.append(c == '"' || c == '\\' ? 'x' : c);
                    }
                    break;
                case 1: {
                    int code = 0x80 + random.nextInt(0x10ffff - 0x80);
                    if (code >= 0xd800 && code <= 0xdfff) {
                        code = 0x1f600;
                    }
                    text.appendCodePoint(code);
                    break;
                }
                case 2:
                    text.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", random.nextInt(0x10000)));
                    break;
                default:
                    text.append(STRING_PIECES[random.nextInt(STRING_PIECES.length)]);
            }
        }
        return text.append('"').toString();
    }

    static final String[] NUMBERS = {
        "0",
        "-0",
        "0.0",
        "-0.0",
        "-0e0",
        "0E+0",
        "1",
        "-1",
        "123456789",
        "9007199254740993",
        "-9223372036854775809",
        "18446744073709551616",
        "1.5",
        "-2.25e-3",
        "6.02214076E23",
        "1e400",
        "-1e-400",
        "4.9e-324",
        "1.7976931348623157e308",
        "1E+2",
        "1e-0",
        "0.000001",
        "123.456e+789",
        "1e0000000000000000001"
    };

    static String number(Random random) {
        if (random.nextBoolean()) {
            return NUMBERS[random.nextInt(NUMBERS.length)];
        }
        StringBuilder n = new StringBuilder();
        if (random.nextBoolean()) {
            n.append('-');
        }
        if (random.nextInt(4) == 0) {
            n.append('0');
        } else {
            // now and then a number far longer than Jackson's default limit of 1000 digits
            int digits = random.nextInt(30) == 0 ? 1000 + random.nextInt(2000) : 1 + random.nextInt(20);
            n.append((char) ('1' + random.nextInt(9)));
            for (int i = 1; i < digits; i++) {
                n.append((char) ('0' + random.nextInt(10)));
            }
        }
        if (random.nextBoolean()) {
            n.append('.');
            for (int i = 1 + random.nextInt(10); i > 0; i--) {
                n.append((char) ('0' + random.nextInt(10)));
            }
        }
        if (random.nextBoolean()) {
            n.append("eE".charAt(random.nextInt(2)));
            n.append(new String[] {"", "+", "-"}[random.nextInt(3)]);
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                n.append((char) ('0' + random.nextInt(10)));
            }
        }
        return n.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // hostile input

    static final String[] HOSTILE_DOCUMENTS = {
        "",
        " ",
        "\n\t\r ",
        "{",
        "}",
        "{}",
        " {} ",
        "{}}",
        "{}]",
        "{} {}",
        "{}{}",
        "{},",
        "{}x",
        "{} //c",
        "{} /*c*/",
        "{} #c",
        "{}\f",
        "\f{}",
        "{\f}",
        "{\u000b}",
        "\u00a0{}",
        "{\u00a0}",
        "{}\u00a0",
        "{}\u3000",
        "{\"a\":1}\u2028",
        "{\"a\"\u000b:1}",
        "[]",
        "[1,2]",
        "[{\"a\":1}]",
        "\"{}\"",
        "42",
        "-0",
        "true",
        "false",
        "null",
        "{'a':1}",
        "{\"a\":'b'}",
        "{a:1}",
        "{\"a\":b}",
        "{\"a\":True}",
        "{\"a\":nul}",
        "{\"a\":nulll}",
        "{\"a\":truefalse}",
        "{\"a\":undefined}",
        "{/*c*/\"a\":1}",
        "{\"a\":1//c\n}",
        "{\"a\":1#c\n}",
        "{\"a\"/**/:1}",
        "{\"a\":1,}",
        "{,\"a\":1}",
        "{\"a\":1,,\"b\":2}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\"::1}",
        "{\"a\":1 \"b\":2}",
        "{\"a\":[1,]}",
        "{\"a\":[,1]}",
        "{\"a\":[1 2]}",
        "{\"a\":[}",
        "{\"a\":{]}",
        "{\"a\":[1}]",
        "{1:2}",
        "{null:1}",
        "{\"a\":1]",
        "{\"a\":[1,2]]}",
        "{\"a\":1,5}",
        "{\"hash\":1,}",
        "{\"hash\":}",
        "{\"hash\"}",
        "{\"hash\":1 \"a\":2}",
        "{\"a\":1,\"hash\"}",
        "{\"a\":1,\"hash\":,\"b\":2}",
        "{\"hash\":1,\"hash\":2,}",
        "{\"hash\":[1,}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":\"\\U0041\"}",
        "{\"a\":\"\\'\"}",
        "{\"a\":\"\\\"}",
        "{\"a\":\"\\",
        "{\"a\":\"\\u00\"}",
        "{\"a\\u\":1}",
        "{\"h\\u0061sh\":}",
        "{\"a\":\"unterminated}",
        "{\"a",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{\"a\":t",
        "{\"a\":-",
        "{\"a\":1e",
        "{\"a\":[",
        "{\"a\":{",
        // valid ones among the hostile: the splice's corner cases
        "{\"hash\":1}",
        "{ \"hash\" : 1 }",
        "{\"hash\":1,\"hash\":2}",
        "{\"hash\":{\"hash\":1},\"hash\":[{\"hash\":2}]}",
        "{\"a\":1,\"hash\":2,\"hash\":3}",
        "{\"hash\":1 , \"a\":2 , \"hash\":3 , \"b\":4 , \"hash\":5}",
        "\n{\n\t\"hash\"\n:\n\"x\"\n,\n\"a\"\n:\n1\n}\n",
        "{\"h\\u0061sh\":1,\"\\u0068ash\":2,\"has\\u0068\":3}",
        "{\"a\":{\"hash\":1,\"hash\":2}}",
        "{\"a\":\"\\\"hash\\\":1\"}",
        "{\"\":\"\"}",
        "{\"a\":\"\u0080\u07ff\u0800\uffff\ud800\udc00\udbff\udfff\"}",
        "{\"a\":-0,\"b\":-0.0e-0,\"c\":1E400,\"d\":0.1e+1}",
    };

    static List<byte[]> hostileByteDocuments() {
        List<byte[]> docs = new ArrayList<>();
        byte[] doc = utf8("{\"a\":1}");
        docs.add(concat(bytes(0xef, 0xbb, 0xbf), doc)); // UTF-8 BOM
        docs.add(concat(bytes(0xef, 0xbb, 0xbf), utf8("{\"hash\":1}")));
        docs.add(concat(bytes(0xef, 0xbb), doc)); // a cut BOM
        docs.add(concat(doc, bytes(0xef, 0xbb, 0xbf))); // a BOM at the end
        docs.add(concat(bytes(0xfe, 0xff), "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE)));
        docs.add(concat(bytes(0xff, 0xfe), "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE)));
        docs.add("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE));
        docs.add("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE));
        docs.add("{}".getBytes(StandardCharsets.UTF_16LE));
        docs.add(bytes('{', 0, '}', 0));
        docs.add(bytes(0, '{', 0, '}'));
        docs.add(bytes('{', 0, 0, 0, '}', 0, 0, 0));
        docs.add(bytes(0, 0, 0, '{', 0, 0, 0, '}'));
        docs.add(bytes('{', '}', 0));
        docs.add(bytes(0, '{', '}'));
        docs.add(bytes(' ', 0, '{', '}'));
        docs.add(bytes('{', '"', 'a', '"', ':', '1', '}', 0, 0));
        docs.add(bytes('{', '"', 'a', '"', 0, ':', '1', '}'));
        docs.add(bytes(0x80, '{', '}'));
        docs.add(bytes('{', '}', 0xff));
        docs.add(bytes('{', 0xc2, 0xa0, '}'));
        return docs;
    }

    static final byte[][] BAD_SEQUENCES = {
        bytes(0x80), // a lone continuation byte
        bytes(0xbf),
        bytes(0xc0, 0x80), // overlong NUL
        bytes(0xc0, 0xaf), // overlong '/'
        bytes(0xc1, 0xbf), // overlong DEL
        bytes(0xc2), // cut short
        bytes(0xc2, 0x41),
        bytes(0xc3, 0x28),
        bytes(0xe0, 0x80, 0x80), // overlong, 3 bytes
        bytes(0xe0, 0x9f, 0xbf),
        bytes(0xe0, 0xa0),
        bytes(0xe2, 0x82),
        bytes(0xed, 0xa0, 0x80), // a high surrogate, raw (CESU-8)
        bytes(0xed, 0xaf, 0xbf),
        bytes(0xed, 0xb0, 0x80), // a low surrogate, raw
        bytes(0xed, 0xbf, 0xbf),
        bytes(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80), // U+1F600 as a CESU-8 surrogate pair
        bytes(0xf0, 0x80, 0x80, 0x80), // overlong, 4 bytes
        bytes(0xf0, 0x8f, 0xbf, 0xbf),
        bytes(0xf0, 0x90, 0x80), // cut short
        bytes(0xf4, 0x90, 0x80, 0x80), // U+110000
        bytes(0xf5, 0x80, 0x80, 0x80),
        bytes(0xf7, 0xbf, 0xbf, 0xbf),
        bytes(0xf8, 0x88, 0x80, 0x80, 0x80), // 5 bytes
        bytes(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80), // 6 bytes
        bytes(0xfe),
        bytes(0xff),
        bytes(0xef, 0xbb, 0xbf), // U+FEFF: valid inside a string
        bytes(0x7f), // DEL: valid inside a string
        bytes(0xc2, 0x80), // the boundaries of each length: valid
        bytes(0xdf, 0xbf),
        bytes(0xe0, 0xa0, 0x80),
        bytes(0xed, 0x9f, 0xbf),
        bytes(0xee, 0x80, 0x80),
        bytes(0xef, 0xbf, 0xbf),
        bytes(0xf0, 0x90, 0x80, 0x80),
        bytes(0xf4, 0x8f, 0xbf, 0xbf),
    };

    static final String[] ESCAPES = {
        "\\ud800", // unpaired surrogates: valid per RFC 8259
        "\\uDC00",
        "\\udbff\\udfff",
        "\\ud800\\ud800",
        "\\udc00\\ud800",
        "\\ud800\\u0041",
        "\\ud800x",
        "\\u0000",
        "\\u00",
        "\\u",
        "\\u+123",
        "\\u-123",
        "\\u 123",
        "\\x41",
        "\\'",
        "\\U0041",
        "\\0",
        "\\a",
        "\\",
        "\\\\",
        "\\/",
    };

    static final String[] BAD_TOKENS = {
        "NaN", "-NaN", "Infinity", "-Infinity", "+Infinity", "+1", ".5", "-.5", "01", "-01", "00", "1.", "0.",
        "1.e5", "1e", "1e+", "1E-", "--1", "-", "0x10", "1_000", "1.5.5", "1E5E5", "1e5.5", "'a'", "\"a\"\"b\"",
        "tru", "TRUE", "Null", "nil", "undefined", "/*c*/1", "1//c", "[1,]", "[,]", "{,}", "{\"a\"}", "\"\\q\""
    };

    static final String[] GARBAGE = {
        "x", "{}", "1", "]", "}", ",", "\"s\"", "null", " //c", "/*c*/", "#", "\f", "\u00a0", "\ufeff", "{", "[", ":",
        "\\", "\u0001", " \n x"
    };

    static final int CONTEXTS = 5;

    /** The bytes in context: in a value string, a member name, a nested string, a hash name, bare. */
    static byte[] inContext(Random random, int context, byte[] inner) {
        String before = random.nextBoolean() ? member(random, "\"x\"", 1) + "," : "";
        String after = random.nextBoolean() ? "," + member(random, "\"hash\"", 1) : "";
        switch (context) {
            case 0:
                return concat(utf8("{" + before + "\"k\":\"ab"), inner, utf8("cd\"" + after + "}"));
            case 1:
                return concat(utf8("{" + before + "\""), inner, utf8("\":1" + after + "}"));
            case 2:
                return concat(utf8("{\"a\":[1,{\"b\":\""), inner, utf8("\"}]" + after + "}"));
            case 3:
                return concat(utf8("{\"h"), inner, utf8("ash\":1,\"hash\":2" + after + "}"));
            default:
                return concat(utf8("{" + before + "\"k\":"), inner, utf8(after + "}"));
        }
    }

    /**
     * An object nested this many levels deep, the top-level object included: each level below it an array
     * ({@code mode} "array"), an object ("object", or "hash" where every member is named hash) or either in
     * turn ("mixed"), the innermost holding inner (an empty array when inner is empty).
     */
    static byte[] nested(int levels, String mode, String inner) {
        String name = mode.equals("hash") ? "\"hash\":" : "\"a\":";
        StringBuilder json = new StringBuilder(levels == 1 ? "{" + name : "{" + name);
        StringBuilder closers = new StringBuilder("}");
        for (int level = 2; level <= levels; level++) {
            boolean array = mode.equals("array") || mode.equals("mixed") && level % 2 == 0;
            json.append(array ? "[" : "{" + name);
            closers.append(array ? ']' : '}');
        }
        if (levels == 1 && inner.isEmpty()) {
            inner = "[]";
        }
        return utf8(json.append(inner).append(closers.reverse()).toString());
    }

    static String topLevelNonObject(Random random, int i) {
        switch (i % 4) {
            case 0:
                return "[" + value(random, 3) + "]";
            case 1:
                return "[" + document(random, 1) + "]";
            case 2:
                return string(random);
            default:
                return number(random);
        }
    }

    static final byte[] INTERESTING = bytes(
            '{', '}', '[', ']', ':', ',', '"', '\\', 'u', 'e', '-', '.', '0', '1', 'a', 't', 'n', ' ', '\t', '\n', 0x00,
            0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff);

    static byte[] mutate(Random random, byte[] doc) {
        byte[] in = doc;
        for (int round = 1 + random.nextInt(2); round > 0; round--) {
            int at = in.length == 0 ? 0 : random.nextInt(in.length);
            byte b = INTERESTING[random.nextInt(INTERESTING.length)];
            switch (random.nextInt(5)) {
                case 0: // replace a byte
                    if (in.length > 0) {
                        in = in.clone();
                        in[at] = b;
                    }
                    break;
                case 1: // insert a byte
                    in = concat(Arrays.copyOf(in, at), new byte[] {b}, Arrays.copyOfRange(in, at, in.length));
                    break;
                case 2: // delete a byte
                    if (in.length > 0) {
                        in = concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, at + 1, in.length));
                    }
                    break;
                case 3: // insert a bad sequence
                    in = concat(
                            Arrays.copyOf(in, at),
                            BAD_SEQUENCES[random.nextInt(BAD_SEQUENCES.length)],
                            Arrays.copyOfRange(in, at, in.length));
                    break;
                default: // repeat a slice
                    int to = Math.min(in.length, at + 1 + random.nextInt(8));
                    in = concat(Arrays.copyOf(in, to), Arrays.copyOfRange(in, at, in.length));
            }
        }
        return in;
    }

    // ---------------------------------------------------------------------------------------------------------
    // bytes

    static String md5Hex(byte[] in) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(in));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] in, byte b) {
        for (int i = 0; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    static boolean isWhitespaceOrComma(byte b) {
        return isWhitespace(b) || b == ',';
    }

    static String hex(byte[] in) {
        return HexFormat.ofDelimiter(" ").formatHex(in);
    }

    /** The bytes as a Java string literal would write them: printable ASCII as is, the rest as \xNN. */
    static String show(byte[] in) {
        StringBuilder text = new StringBuilder("\"");
        int limit = in.length > 300 ? 120 : in.length;
        for (int i = 0; i < limit; i++) {
            int b = in[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                text.append((char) b);
            } else if (b == '"' || b == '\\') {
                text.append('\\').append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        if (limit < in.length) {
            text.append("...\" (")
                    .append(in.length)
                    .append(" bytes, ending ")
                    .append(show(Arrays.copyOfRange(in, in.length - 60, in.length)))
                    .append(')');
            return text.toString();
        }
        return text.append('"').toString();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
