package io.github.nodrop.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Adds {@code "hash"} to a JSON object: the lowercase hex MD5 of the record's exact value bytes.
 *
 * <p>The output is the input byte for byte with {@code ,"hash":"<md5>"} inserted before the object's
 * closing brace (no comma for an empty object). A top-level {@code hash} member already present is removed
 * first, so the output has exactly one; {@code hash} members of nested objects are kept.
 *
 * <p>The input is checked strictly: RFC 8259 JSON read by jackson-core's streaming parser (default features,
 * the whole input read, nothing after the object, nesting at most {@link #MAX_DEPTH} levels, numbers,
 * strings and names of any length), an object at the top, and valid UTF-8 checked by the JDK's decoder
 * first, because Jackson alone takes overlong forms and code points beyond U+10FFFF; a byte order mark or a
 * NUL byte in the first four bytes (which Jackson reads as UTF-16 or UTF-32) is refused too. A member name
 * with an escaped unpaired surrogate, which RFC 8259 allows and Jackson refuses, is accepted. Nested values
 * are skipped, not built, and nothing recurses, so depth cannot overflow the stack. Anything refused comes
 * back as a {@link Result} with the reason, for the dead-letter topic; {@link #enrich} never throws.
 *
 * <p>Not thread-safe (it reuses its digest and buffers); use one per thread.
 */
public final class JsonEnricher {

    public static final int MAX_DEPTH = 1000;
    private static final byte[] HASH_MEMBER_PREFIX = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The UTF-8 check's buffer is kept between records up to this size; a larger record gets its own. */
    private static final int KEPT_BUFFER_CHARS = 1 << 20;

    private static final JsonFactory JSON = JsonFactory.builder()
            // names are still canonicalized per parser, but never interned in the JVM's string table, and a
            // flood of colliding names degrades speed instead of refusing valid JSON
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private final MessageDigest md5;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer kept = CharBuffer.allocate(1024);
    // per top-level member named hash: the offset of its name, of what follows it (the next name or the
    // closing brace), and whether only hash members stand before it
    private int[] hashStart = new int[4];
    private int[] hashNext = new int[4];
    private boolean[] hashLeading = new boolean[4];
    private int[] removeFrom = new int[4];
    private int[] removeTo = new int[4];
    // what the last scan found
    private int members;
    private int hashes;
    private int close;

    public JsonEnricher() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** The outcome for one record: enriched bytes and the hash, or why the record is refused. */
    public static final class Result {
        private final byte[] value;
        private final byte[] hex;
        private final String error;

        private Result(byte[] value, byte[] hex, String error) {
            this.value = value;
            this.hex = hex;
            this.error = error;
        }

        public boolean ok() {
            return error == null;
        }

        public byte[] value() {
            return value;
        }

        /** The lowercase hex MD5 of the input, or {@code null} when refused. */
        public String hash() {
            return hex == null ? null : new String(hex, StandardCharsets.US_ASCII);
        }

        /** The same as ASCII bytes, without making a string. */
        public byte[] hashBytes() {
            return hex;
        }

        public String error() {
            return error;
        }
    }

    /** The lowercase hex MD5 of the bytes. */
    public String md5Hex(byte[] bytes) {
        return new String(hexDigest(bytes), StandardCharsets.US_ASCII);
    }

    public Result enrich(byte[] in) {
        if (in == null) {
            return refuse("null value (tombstone)");
        }
        String error;
        try {
            error = check(in);
            if (error == null) {
                error = scan(in);
            }
            if (error != null && error.startsWith(INVALID) && hasEscapedSurrogate(in)) {
                // Jackson refuses an escaped unpaired surrogate in a member name, which RFC 8259 allows; read
                // again with every such escape as \u0058 (the same length, so the offsets hold): only what
                // Jackson refused for that reason is accepted now, whatever its message says
                error = scan(withoutEscapedSurrogates(in));
            }
        } catch (RuntimeException e) { // a bug of the parser must cost one record, not the transformer
            error = "could not be read: " + e;
        }
        if (error != null) {
            return refuse(error);
        }
        byte[] hex = hexDigest(in);
        return new Result(splice(in, hex), hex, null);
    }

    private static Result refuse(String why) {
        return new Result(null, null, why);
    }

    /** What the parser does not check: the UTF-8 itself, a byte order mark, a UTF-16/32 guess; empty input. */
    private String check(byte[] in) {
        int first = 0;
        while (first < in.length && isWhitespace(in[first])) {
            first++;
        }
        if (first == in.length) {
            return in.length == 0 ? "empty value" : "only whitespace";
        }
        if (in.length >= 3 && in[0] == (byte) 0xef && in[1] == (byte) 0xbb && in[2] == (byte) 0xbf) {
            return "starts with a byte order mark (not allowed: JSON here is UTF-8 without one)";
        }
        for (int i = 0; i < Math.min(4, in.length); i++) {
            if (in[i] == 0) {
                return "a NUL byte at byte " + i + " (not UTF-8 JSON)";
            }
        }
        if (in[first] != '{') {
            return "not a JSON object (starts with " + describe(in[first]) + ")";
        }
        CharBuffer decoded;
        if (in.length > KEPT_BUFFER_CHARS) {
            decoded = CharBuffer.allocate(in.length); // one large record does not pin its buffer for good
        } else {
            if (kept.capacity() < in.length) {
                kept = CharBuffer.allocate(Math.min(KEPT_BUFFER_CHARS, Math.max(in.length, kept.capacity() * 2)));
            }
            decoded = kept.clear();
        }
        if (utf8.reset().decode(ByteBuffer.wrap(in), decoded, true).isError()) {
            return "not valid UTF-8";
        }
        return null;
    }

    private static final String INVALID = "not valid JSON";

    /** Reads the object's top level; null when it is one valid JSON object, else why not. */
    private String scan(byte[] in) {
        members = 0;
        hashes = 0;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            boolean leading = true;
            boolean afterHash = false;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                // an offset costs a JsonLocation: only those around a hash member are asked for
                if (afterHash) {
                    hashNext[hashes - 1] = (int) p.currentTokenLocation().getByteOffset();
                }
                afterHash = "hash".equals(p.currentName());
                if (afterHash) {
                    if (hashes == hashStart.length) {
                        hashStart = Arrays.copyOf(hashStart, hashes * 2);
                        hashNext = Arrays.copyOf(hashNext, hashes * 2);
                        hashLeading = Arrays.copyOf(hashLeading, hashes * 2);
                    }
                    hashStart[hashes] = (int) p.currentTokenLocation().getByteOffset();
                    hashLeading[hashes++] = leading;
                } else {
                    leading = false;
                }
                members++;
                if (p.nextToken().isStructStart()) {
                    p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return "not a JSON object"; // unreachable: the parser fails first
            }
            close = (int) p.currentTokenLocation().getByteOffset();
            if (afterHash) {
                hashNext[hashes - 1] = close;
            }
            if (p.nextToken() != null) {
                return "data after the object at byte "
                        + p.currentTokenLocation().getByteOffset();
            }
            return null;
        } catch (StreamConstraintsException e) {
            return e.getMessage().contains("nesting")
                    ? "nested deeper than " + MAX_DEPTH + " levels"
                    : "beyond a parser limit: " + e.getOriginalMessage();
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            return INVALID + (at >= 0 ? " at byte " + at : "") + ": " + e.getOriginalMessage();
        } catch (IOException e) {
            return "could not be read: " + e.getMessage(); // a byte array cannot fail to be read
        }
    }

    /** The input with the top-level hash members cut out and the new one spliced before the brace. */
    private byte[] splice(byte[] in, byte[] hex) {
        int ranges = hashes == 0 ? 0 : removals(in);
        int removedBytes = 0;
        for (int i = 0; i < ranges; i++) {
            removedBytes += removeTo[i] - removeFrom[i];
        }
        boolean comma = members - hashes > 0;
        byte[] out = new byte[in.length - removedBytes + (comma ? 1 : 0) + HASH_MEMBER_PREFIX.length + 32 + 1];
        int o = 0;
        int from = 0;
        for (int i = 0; i < ranges; i++) {
            System.arraycopy(in, from, out, o, removeFrom[i] - from);
            o += removeFrom[i] - from;
            from = removeTo[i];
        }
        System.arraycopy(in, from, out, o, close - from);
        o += close - from;
        if (comma) {
            out[o++] = ',';
        }
        System.arraycopy(HASH_MEMBER_PREFIX, 0, out, o, HASH_MEMBER_PREFIX.length);
        o += HASH_MEMBER_PREFIX.length;
        System.arraycopy(hex, 0, out, o, 32);
        o += 32;
        out[o++] = '"';
        System.arraycopy(in, close, out, o, in.length - close);
        return out;
    }

    /**
     * The byte ranges to cut: a hash member with only hash members before it goes from its name to the next
     * member's name (or to the closing brace); any other goes from the comma before it to the end of its
     * value. Ranges that touch are merged.
     */
    private int removals(byte[] in) {
        if (removeFrom.length < hashes) {
            removeFrom = new int[hashes];
            removeTo = new int[hashes];
        }
        int ranges = 0;
        for (int h = 0; h < hashes; h++) {
            int from;
            int to = hashNext[h];
            boolean last = to == close;
            if (!hashLeading[h]) {
                from = hashStart[h] - 1;
                while (in[from] != ',') {
                    from--;
                }
                while (isWhitespace(in[to - 1])) {
                    to--;
                }
                if (!last) { // back over the comma before the next member, and the whitespace before it
                    to--;
                    while (isWhitespace(in[to - 1])) {
                        to--;
                    }
                }
            } else {
                from = hashStart[h];
            }
            if (ranges > 0 && from <= removeTo[ranges - 1]) {
                removeTo[ranges - 1] = Math.max(removeTo[ranges - 1], to);
            } else {
                removeFrom[ranges] = from;
                removeTo[ranges] = to;
                ranges++;
            }
        }
        return ranges;
    }

    private static boolean hasEscapedSurrogate(byte[] in) {
        return nextEscapedSurrogate(in, 0) >= 0;
    }

    /** The offset of the next {@code \}{@code uD800}-{@code \}{@code uDFFF} escape at or after {@code from}. */
    private static int nextEscapedSurrogate(byte[] in, int from) {
        for (int i = from; i + 5 < in.length; i++) {
            if (in[i] != '\\') {
                continue;
            }
            if (in[i + 1] == 'u'
                    && (in[i + 2] == 'd' || in[i + 2] == 'D')
                    && "89abcdefABCDEF".indexOf(in[i + 3]) >= 0
                    && isHex(in[i + 4])
                    && isHex(in[i + 5])) {
                return i;
            }
            i++; // the escaped character: a backslash after it starts a new escape
        }
        return -1;
    }

    /** A copy with every escaped surrogate as {@code \}{@code u0058}: the same length, so offsets hold. */
    private static byte[] withoutEscapedSurrogates(byte[] in) {
        byte[] copy = in.clone();
        for (int i = nextEscapedSurrogate(copy, 0); i >= 0; i = nextEscapedSurrogate(copy, i + 6)) {
            copy[i + 2] = '0';
            copy[i + 3] = '0';
            copy[i + 4] = '5';
            copy[i + 5] = '8';
        }
        return copy;
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private byte[] hexDigest(byte[] bytes) {
        byte[] digest = md5.digest(bytes);
        byte[] hex = new byte[32];
        for (int i = 0; i < 16; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return hex;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static String describe(byte b) {
        return b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
    }
}
