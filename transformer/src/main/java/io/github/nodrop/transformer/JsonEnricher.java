package io.github.nodrop.transformer;

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
 * <p>The input is checked strictly (RFC 8259 JSON, valid UTF-8, an object at the top) by one pass over
 * the bytes without recursion, so nesting cannot overflow the stack: deeper than {@link #MAX_DEPTH} is
 * refused. Anything refused comes back as a {@link Result} with the reason, for the dead-letter topic.
 *
 * <p>Not thread-safe (it reuses its digest); use one per thread.
 */
public final class JsonEnricher {

    public static final int MAX_DEPTH = 1000;
    private static final byte[] HASH_KEY = "hash".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH_MEMBER_PREFIX = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest md5;
    private final byte[] stack = new byte[MAX_DEPTH + 1];
    private int[] removeFrom = new int[4];
    private int[] removeTo = new int[4];

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
        private final String hash;
        private final String error;

        private Result(byte[] value, String hash, String error) {
            this.value = value;
            this.hash = hash;
            this.error = error;
        }

        public boolean ok() {
            return error == null;
        }

        public byte[] value() {
            return value;
        }

        public String hash() {
            return hash;
        }

        public String error() {
            return error;
        }
    }

    /** The lowercase hex MD5 of the bytes. */
    public String md5Hex(byte[] bytes) {
        return new String(hexDigest(bytes), StandardCharsets.US_ASCII);
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

    public Result enrich(byte[] in) {
        if (in == null) {
            return refuse("null value (tombstone)");
        }
        Scan scan = new Scan(in);
        String error = scan.run();
        if (error != null) {
            return refuse(error);
        }
        byte[] hex = hexDigest(in);
        int removedBytes = 0;
        for (int i = 0; i < scan.ranges; i++) {
            removedBytes += removeTo[i] - removeFrom[i];
        }
        boolean comma = scan.members - scan.removedMembers > 0;
        byte[] out = new byte[in.length - removedBytes + (comma ? 1 : 0) + HASH_MEMBER_PREFIX.length + 32 + 1];
        int o = 0;
        int from = 0;
        for (int i = 0; i < scan.ranges; i++) {
            System.arraycopy(in, from, out, o, removeFrom[i] - from);
            o += removeFrom[i] - from;
            from = removeTo[i];
        }
        System.arraycopy(in, from, out, o, scan.close - from);
        o += scan.close - from;
        if (comma) {
            out[o++] = ',';
        }
        System.arraycopy(HASH_MEMBER_PREFIX, 0, out, o, HASH_MEMBER_PREFIX.length);
        o += HASH_MEMBER_PREFIX.length;
        System.arraycopy(hex, 0, out, o, 32);
        o += 32;
        out[o++] = '"';
        System.arraycopy(in, scan.close, out, o, in.length - scan.close);
        return new Result(out, new String(hex, StandardCharsets.US_ASCII), null);
    }

    private static Result refuse(String why) {
        return new Result(null, null, why);
    }

    /** Adds a byte range to cut; returns the number of ranges after merging. */
    private int addRemoval(int from, int to, int count) {
        // ranges arrive in order; merge one that starts inside the previous one
        if (count > 0 && from <= removeTo[count - 1]) {
            removeTo[count - 1] = Math.max(removeTo[count - 1], to);
            return count;
        }
        if (count == removeFrom.length) {
            removeFrom = Arrays.copyOf(removeFrom, count * 2);
            removeTo = Arrays.copyOf(removeTo, count * 2);
        }
        removeFrom[count] = from;
        removeTo[count] = to;
        return count + 1;
    }

    /** One strict pass over the bytes, recording the top-level members and the closing brace. */
    private final class Scan {
        private static final byte OBJECT = 1;
        private static final byte ARRAY = 2;

        private final byte[] in;
        private int pos;
        private int depth;
        private int close = -1;
        private int members;
        private int ranges;
        private int removedMembers;
        // the top-level member being read
        private int memberStart;
        private int commaBefore;
        private boolean memberIsHash;
        private int pendingFirstRemovalStart = -1;

        Scan(byte[] in) {
            this.in = in;
        }

        String run() {
            skipWhitespace();
            if (pos == in.length) {
                return in.length == 0 ? "empty value" : "only whitespace";
            }
            if (in[pos] != '{') {
                return "not a JSON object (starts with " + describe(in[pos]) + ")";
            }
            int lastComma = -1;
            stack[0] = OBJECT;
            depth = 1;
            pos++;
            // states: 0 = after '{' (key or '}'), 1 = after ',' in object (key), 2 = after key (':'),
            // 3 = value expected, 4 = after value (',' or close), 5 = after '[' (value or ']')
            int state = 0;
            while (true) {
                skipWhitespace();
                if (pos >= in.length) {
                    return "cut short at byte " + pos;
                }
                byte c = in[pos];
                switch (state) {
                    case 0:
                    case 1:
                        if (c == '}' && state == 0) {
                            if (closeContainer(OBJECT)) {
                                return finish();
                            }
                            state = 4;
                            break;
                        }
                        if (c != '"') {
                            return "expected a member name at byte " + pos + ", found " + describe(c);
                        }
                        if (depth == 1) {
                            memberStart = pos;
                            commaBefore = lastComma;
                            int keyStart = pos + 1;
                            String error = string();
                            if (error != null) {
                                return error;
                            }
                            memberIsHash = isHashKey(keyStart, pos - 1);
                        } else {
                            String error = string();
                            if (error != null) {
                                return error;
                            }
                        }
                        state = 2;
                        break;
                    case 2:
                        if (c != ':') {
                            return "expected ':' at byte " + pos + ", found " + describe(c);
                        }
                        pos++;
                        state = 3;
                        break;
                    case 3:
                    case 5:
                        if (c == ']' && state == 5) {
                            closeContainer(ARRAY);
                            state = 4;
                            break;
                        }
                        if (c == '{' || c == '[') {
                            if (depth == MAX_DEPTH) {
                                return "nested deeper than " + MAX_DEPTH + " levels";
                            }
                            stack[depth++] = c == '{' ? OBJECT : ARRAY;
                            pos++;
                            state = c == '{' ? 0 : 5;
                            break;
                        }
                        String error = scalar();
                        if (error != null) {
                            return error;
                        }
                        state = afterValue();
                        break;
                    default: // 4: after a value
                        byte top = stack[depth - 1];
                        if (c == ',') {
                            if (depth == 1) {
                                lastComma = pos;
                                if (pendingFirstRemovalStart >= 0) {
                                    // a first member named hash: remove it together with this comma and the
                                    // whitespace up to the next member
                                    int from = pendingFirstRemovalStart;
                                    pendingFirstRemovalStart = -1;
                                    pos++;
                                    skipWhitespace();
                                    ranges = addRemoval(from, pos, ranges);
                                    lastComma = -1; // the next member is now the first
                                    state = 1;
                                    break;
                                }
                            }
                            pos++;
                            state = top == OBJECT ? 1 : 3;
                        } else if (c == '}' && top == OBJECT) {
                            if (closeContainer(OBJECT)) {
                                return finish();
                            }
                            state = 4;
                        } else if (c == ']' && top == ARRAY) {
                            closeContainer(ARRAY);
                            state = 4;
                        } else {
                            return "expected ',' or the end of the "
                                    + (top == OBJECT ? "object" : "array") + " at byte " + pos + ", found "
                                    + describe(c);
                        }
                }
            }
        }

        /** Called when a value ends; at the top level it closes a member. */
        private int afterValue() {
            if (depth == 1) {
                members++;
                if (memberIsHash) {
                    removedMembers++;
                    if (commaBefore >= 0) {
                        ranges = addRemoval(commaBefore, pos, ranges);
                    } else {
                        pendingFirstRemovalStart = memberStart;
                    }
                }
            }
            return 4;
        }

        /** Pops a container; returns true when the top-level object closed. */
        private boolean closeContainer(byte type) {
            depth--;
            if (depth == 0) {
                close = pos;
                pos++;
                return true;
            }
            pos++;
            if (depth == 1) {
                afterValue();
            }
            return false;
        }

        private String finish() {
            if (pendingFirstRemovalStart >= 0) {
                // the only member was hash: the object becomes empty, as if written "{ }"
                ranges = addRemoval(pendingFirstRemovalStart, close, ranges);
                pendingFirstRemovalStart = -1;
            }
            skipWhitespace();
            if (pos != in.length) {
                return "data after the object at byte " + pos;
            }
            return null;
        }

        private boolean isHashKey(int from, int to) {
            int length = to - from;
            if (length == HASH_KEY.length) {
                for (int i = 0; i < length; i++) {
                    if (in[from + i] != HASH_KEY[i]) {
                        return false;
                    }
                }
                return true;
            }
            // an escaped spelling such as "h\u0061sh" names the same member
            for (int i = from; i < to; i++) {
                if (in[i] == '\\') {
                    return "hash".equals(unescape(from, to));
                }
            }
            return false;
        }

        private String unescape(int from, int to) {
            StringBuilder text = new StringBuilder();
            String raw = new String(in, from, to - from, StandardCharsets.UTF_8);
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '\\') {
                    text.append(c);
                    continue;
                }
                char e = raw.charAt(++i);
                switch (e) {
                    case 'u':
                        text.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                        i += 4;
                        break;
                    case 'b':
                        text.append('\b');
                        break;
                    case 'f':
                        text.append('\f');
                        break;
                    case 'n':
                        text.append('\n');
                        break;
                    case 'r':
                        text.append('\r');
                        break;
                    case 't':
                        text.append('\t');
                        break;
                    default:
                        text.append(e);
                }
            }
            return text.toString();
        }

        /** A string starting at pos (the quote); leaves pos after the closing quote. */
        private String string() {
            int start = pos;
            pos++;
            while (pos < in.length) {
                int b = in[pos] & 0xff;
                if (b == '"') {
                    pos++;
                    return null;
                }
                if (b == '\\') {
                    if (pos + 1 >= in.length) {
                        break;
                    }
                    byte e = in[pos + 1];
                    if (e == 'u') {
                        if (pos + 5 >= in.length) {
                            break;
                        }
                        for (int i = pos + 2; i < pos + 6; i++) {
                            if (Character.digit(in[i], 16) < 0) {
                                return "bad \\u escape at byte " + pos;
                            }
                        }
                        pos += 6;
                    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                            || e == 't') {
                        pos += 2;
                    } else {
                        return "bad escape at byte " + pos;
                    }
                } else if (b < 0x20) {
                    return "control character in a string at byte " + pos;
                } else if (b < 0x80) {
                    pos++;
                } else {
                    String error = utf8(b);
                    if (error != null) {
                        return error;
                    }
                }
            }
            return "string starting at byte " + start + " is not closed";
        }

        /** One multi-byte UTF-8 sequence at pos, checked for shortest form and no surrogates. */
        private String utf8(int b) {
            int length;
            int min;
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                min = 0x800;
            } else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                min = 0x10000;
            } else {
                return "not valid UTF-8 at byte " + pos;
            }
            if (pos + length > in.length) {
                return "not valid UTF-8 at byte " + pos + " (cut short)";
            }
            int code = b & (0xff >> (length + 1));
            for (int i = 1; i < length; i++) {
                int next = in[pos + i] & 0xff;
                if ((next & 0xc0) != 0x80) {
                    return "not valid UTF-8 at byte " + pos;
                }
                code = (code << 6) | (next & 0x3f);
            }
            if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
                return "not valid UTF-8 at byte " + pos;
            }
            pos += length;
            return null;
        }

        private String scalar() {
            byte c = in[pos];
            if (c == '"') {
                return string();
            }
            if (c == 't') {
                return literal("true");
            }
            if (c == 'f') {
                return literal("false");
            }
            if (c == 'n') {
                return literal("null");
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            return "expected a value at byte " + pos + ", found " + describe(c);
        }

        private String literal(String word) {
            if (pos + word.length() > in.length) {
                return "cut short at byte " + pos;
            }
            for (int i = 0; i < word.length(); i++) {
                if (in[pos + i] != word.charAt(i)) {
                    return "expected " + word + " at byte " + pos;
                }
            }
            pos += word.length();
            return null;
        }

        private String number() {
            int start = pos;
            if (in[pos] == '-') {
                pos++;
            }
            if (pos >= in.length) {
                return "bad number at byte " + start;
            }
            if (in[pos] == '0') {
                pos++;
            } else if (in[pos] >= '1' && in[pos] <= '9') {
                digits();
            } else {
                return "bad number at byte " + start;
            }
            if (pos < in.length && in[pos] == '.') {
                pos++;
                if (digits() == 0) {
                    return "bad number at byte " + start;
                }
            }
            if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
                pos++;
                if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                    pos++;
                }
                if (digits() == 0) {
                    return "bad number at byte " + start;
                }
            }
            return null;
        }

        private int digits() {
            int start = pos;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                pos++;
            }
            return pos - start;
        }

        private void skipWhitespace() {
            while (pos < in.length && isWhitespace(in[pos])) {
                pos++;
            }
        }
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static String describe(byte b) {
        int value = b & 0xff;
        return value >= 0x20 && value < 0x7f ? "'" + (char) value + "'" : String.format("byte 0x%02x", value);
    }
}
