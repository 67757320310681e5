package io.github.nodrop.connect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads JSON the enricher has already accepted into Connect's schemaless values: {@code Map} (members in
 * order), {@code List}, {@code String}, {@code Long}, {@code Double}, {@code Boolean} and {@code null}. A
 * whole number beyond a long or a fraction beyond a double is kept as its text, so no digit is lost. No
 * recursion, so depth cannot overflow the stack. A member name with an escaped unpaired surrogate, which
 * JSON allows and the enricher accepts, cannot be read into a map: that record fails with the reason.
 */
final class JsonMaps {

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(io.github.nodrop.enrich.JsonEnricher.MAX_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private JsonMaps() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            Deque<Object> open = new ArrayDeque<>();
            Deque<String> names = new ArrayDeque<>();
            Object root = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                Object value;
                switch (t) {
                    case START_OBJECT:
                        open.push(new LinkedHashMap<String, Object>());
                        continue;
                    case START_ARRAY:
                        open.push(new ArrayList<>());
                        continue;
                    case FIELD_NAME:
                        names.push(p.currentName());
                        continue;
                    case END_OBJECT:
                    case END_ARRAY:
                        value = open.pop();
                        break;
                    case VALUE_STRING:
                        value = p.getText();
                        break;
                    case VALUE_NUMBER_INT:
                        value = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : p.getLongValue();
                        break;
                    case VALUE_NUMBER_FLOAT:
                        double d = p.getDoubleValue();
                        value = Double.isInfinite(d) ? p.getText() : d;
                        break;
                    case VALUE_TRUE:
                        value = Boolean.TRUE;
                        break;
                    case VALUE_FALSE:
                        value = Boolean.FALSE;
                        break;
                    default:
                        value = null;
                }
                Object parent = open.peek();
                if (parent == null) {
                    root = value;
                } else if (parent instanceof Map) {
                    ((Map<String, Object>) parent).put(names.pop(), value);
                } else {
                    ((List<Object>) parent).add(value);
                }
            }
            return (Map<String, Object>) root;
        } catch (IOException | RuntimeException e) {
            throw new DataException(
                    "nodrop: this JSON cannot be given on as a map ("
                            + e.getMessage().split("\n", 2)[0] + "); with output=same it passes as it is",
                    e);
        }
    }
}
