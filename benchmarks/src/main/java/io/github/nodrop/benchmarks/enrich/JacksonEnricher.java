package io.github.nodrop.benchmarks.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What {@code io.github.nodrop.transformer.JsonEnricher} does, written on jackson-core's streaming parser as
 * fast as it goes: Jackson checks the input (default features: strict RFC 8259 syntax; the whole input is
 * read, a token after the object is refused; the nesting limit of 1000 is Jackson's default and
 * JsonEnricher's), strings are skipped rather than decoded (Jackson still checks their escapes, control
 * characters and UTF-8 continuation bytes), nested values are skipped with {@code skipChildren()}, and the
 * offsets of the top-level names and of the closing brace come from {@code currentTokenLocation()}. The
 * bytes are then cut and spliced exactly as JsonEnricher does (the same output, byte for byte), with the
 * same MD5.
 *
 * <p>Jackson alone is the more lenient of the two on UTF-8 (it takes overlong forms and code points beyond
 * U+10FFFF, skips a byte order mark and guesses UTF-16/32 from NUL bytes at the start), so it is the cheaper
 * check and a comparison against it favours Jackson. With {@code strictUtf8}, the JDK's UTF-8 decoder
 * checks the bytes first and a byte order mark or a NUL byte at the start is refused: then it refuses what
 * JsonEnricher refuses (it also refuses an escaped unpaired surrogate in a member name, which JsonEnricher
 * and RFC 8259 accept). Not thread-safe, like JsonEnricher.
 */
public final class JacksonEnricher {

    private static final byte[] HASH_MEMBER_PREFIX = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory factory = new JsonFactory();
    private final CharsetDecoder utf8; // null: Jackson's own UTF-8 checks only
    private CharBuffer decoded = CharBuffer.allocate(0);
    private final MessageDigest md5;
    // per top-level member named hash: the offset of its name, of what follows it (the next name or the
    // closing brace), and whether only hash members stand before it
    private int[] hashStart = new int[4];
    private int[] hashNext = new int[4];
    private boolean[] hashLeading = new boolean[4];
    private int[] removeFrom = new int[4];
    private int[] removeTo = new int[4];

    public JacksonEnricher() {
        this(false);
    }

    public JacksonEnricher(boolean strictUtf8) {
        utf8 = strictUtf8
                ? StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                : null;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** The enriched bytes; throws when the input is not one JSON object. */
    public byte[] enrich(byte[] in) throws IOException {
        if (utf8 != null) {
            checkUtf8(in);
        }
        int members = 0;
        int hashes = 0;
        int close;
        try (JsonParser p = factory.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
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
                throw new IOException("not a JSON object");
            }
            close = (int) p.currentTokenLocation().getByteOffset();
            if (afterHash) {
                hashNext[hashes - 1] = close;
            }
            if (p.nextToken() != null) {
                throw new IOException("data after the object");
            }
        }
        int ranges = hashes == 0 ? 0 : removals(in, hashes, close);

        byte[] hex = hexDigest(in);
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
     * The byte ranges to cut, as JsonEnricher cuts them: a hash member with only hash members before it goes
     * from its name to the next member's name (or to the closing brace); any other goes from the comma before
     * it to the end of its value.
     */
    private int removals(byte[] in, int hashes, int close) {
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

    private void checkUtf8(byte[] in) throws IOException {
        if (decoded.capacity() < in.length) {
            decoded = CharBuffer.allocate(in.length);
        }
        decoded.clear();
        CoderResult result = utf8.reset().decode(ByteBuffer.wrap(in), decoded, true);
        if (result.isError()) {
            throw new IOException("not valid UTF-8");
        }
        if (in.length >= 3 && in[0] == (byte) 0xef && in[1] == (byte) 0xbb && in[2] == (byte) 0xbf) {
            throw new IOException("a byte order mark");
        }
        for (int i = 0; i < Math.min(4, in.length); i++) {
            if (in[i] == 0) {
                throw new IOException("a NUL byte");
            }
        }
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
}
