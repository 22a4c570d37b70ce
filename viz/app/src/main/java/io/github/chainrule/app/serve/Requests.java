package io.github.chainrule.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading request bodies: JSON objects whose every field is known, typed and in range. */
final class Requests {
  static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  /** The body as a JSON object with no field outside {@code known}. */
  static ObjectNode object(byte[] body, String route, Set<String> known) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(route + ": the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiError.badRequest(route + ": the body could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest(route + ": the body must be a JSON object, e.g. {\"expression\": \"x*y\", "
          + "\"at\": {\"x\": 2, \"y\": 3}}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw ApiError.badRequest(route + ": unknown field '" + f + "' (known fields: " + String.join(", ", known) + ")");
      }
    }
    return (ObjectNode) root;
  }

  static String string(ObjectNode o, String route, String field, int maxChars) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      throw ApiError.badRequest(route + ": field '" + field + "' is missing");
    }
    if (!n.isTextual()) {
      throw ApiError.badRequest(route + ": field '" + field + "' must be a string, got " + n.getNodeType().name().toLowerCase());
    }
    String s = n.textValue();
    if (s.length() > maxChars) {
      throw ApiError.tooLarge(route + ": field '" + field + "' has " + s.length() + " characters; the limit is " + maxChars);
    }
    return s;
  }

  static String optionalString(ObjectNode o, String route, String field, String otherwise, int maxChars) {
    return o.hasNonNull(field) ? string(o, route, field, maxChars) : otherwise;
  }

  /** A finite number; {@code 1e999} (infinite once read) and strings such as "NaN" are refused. */
  static double number(JsonNode n, String route, String what) {
    if (n == null || !n.isNumber()) {
      throw ApiError.badRequest(route + ": " + what + " must be a number, got " + (n == null ? "nothing" : n.toString()));
    }
    double v = n.doubleValue();
    if (!Double.isFinite(v)) {
      throw ApiError.badRequest(route + ": " + what + " = " + n.asText() + " is not a finite number");
    }
    return v;
  }

  static double optionalNumber(ObjectNode o, String route, String field, double otherwise) {
    return o.hasNonNull(field) ? number(o.get(field), route, "field '" + field + "'") : otherwise;
  }

  static int optionalInt(ObjectNode o, String route, String field, int otherwise, int min, int max) {
    if (!o.hasNonNull(field)) {
      return otherwise;
    }
    JsonNode n = o.get(field);
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw ApiError.badRequest(route + ": field '" + field + "' must be a whole number, got " + n);
    }
    int v = n.intValue();
    if (v < min || v > max) {
      throw ApiError.badRequest(route + ": field '" + field + "' = " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  /** {@code "at": {"x": 2, "y": 3}}: each variable's value, in the order given. */
  static Map<String, Double> values(ObjectNode o, String route, String field, int maxEntries) {
    JsonNode n = o.get(field);
    Map<String, Double> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw ApiError.badRequest(route + ": field '" + field + "' must be an object of numbers, e.g. {\"x\": 2}");
    }
    if (n.size() > maxEntries) {
      throw ApiError.tooLarge(route + ": '" + field + "' has " + n.size() + " entries; the limit is " + maxEntries);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), number(e.getValue(), route, field + "." + e.getKey()));
    }
    return out;
  }

  /** A list of whole numbers such as the hidden layer sizes. */
  static List<Integer> ints(ObjectNode o, String route, String field, List<Integer> otherwise, int maxEntries, int min,
      int max) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (!n.isArray()) {
      throw ApiError.badRequest(route + ": field '" + field + "' must be an array of whole numbers, e.g. [4, 4]");
    }
    if (n.size() > maxEntries) {
      throw ApiError.badRequest(route + ": '" + field + "' has " + n.size() + " entries; the limit is " + maxEntries);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < min || e.intValue() > max) {
        throw ApiError.badRequest(route + ": every entry of '" + field + "' must be a whole number in " + min + ".."
            + max + ", got " + e);
      }
      out.add(e.intValue());
    }
    return out;
  }
}
