package io.github.chainrule.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.app.cli.Expressions;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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

  /**
   * {@code "at"}: each variable's value, in the order given, as an object ({@code {"x": 2, "W": [[1, 2],
   * [3, 4]]}}: a number or nested lists of numbers, row by row) or as one string in the command line's
   * {@code --at} syntax ({@code "x=2,W=[[1,2],[3,4]]"}, which a page's address carries). Both are read
   * by the command line's own reader, so they mean what {@code chainrule grad --at} means. Every
   * element must be finite, and all values together hold at most {@code maxElements} numbers.
   */
  static Map<String, Tensor> tensors(ObjectNode o, String route, String field, int maxEntries, int maxElements) {
    JsonNode n = o.get(field);
    Map<String, Tensor> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      try {
        out.putAll(Expressions.values(n.textValue(), field));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(route + ": " + e.getMessage());
      }
    } else if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String what = field + "." + e.getKey();
        if (e.getValue().isArray()) {
          checkLeaves(e.getValue(), route, what);
          try {
            // Nested JSON arrays print as the command line writes a tensor: [[1.0,2.0],[3.0,4.0]].
            out.put(e.getKey(), Expressions.values("v=" + e.getValue(), what).get("v"));
          } catch (IllegalArgumentException ex) {
            throw ApiError.badRequest(route + ": " + ex.getMessage().replaceFirst("^" + Pattern.quote(what) + " v=", what + " = "));
          }
        } else if (e.getValue().isNumber()) {
          out.put(e.getKey(), Tensor.scalar(number(e.getValue(), route, what)));
        } else {
          throw ApiError.badRequest(route + ": " + what + " must be a number or nested lists of numbers (e.g. [[1, 2], "
              + "[3, 4]]), got " + e.getValue());
        }
        if (out.size() > maxEntries) {
          break;
        }
      }
    } else {
      throw ApiError.badRequest(route + ": field '" + field + "' must be an object such as {\"x\": 2, \"W\": [[1, 2], "
          + "[3, 4]]} or a string such as \"x=2,W=[[1,2],[3,4]]\"");
    }
    if (out.size() > maxEntries) {
      throw ApiError.tooLarge(route + ": '" + field + "' has more than " + maxEntries + " entries; the limit is " + maxEntries);
    }
    long elements = 0;
    for (Map.Entry<String, Tensor> e : out.entrySet()) {
      elements += e.getValue().size();
      for (double v : e.getValue().data()) {
        if (!Double.isFinite(v)) {
          throw ApiError.badRequest(route + ": " + field + "." + e.getKey() + " holds " + v + ", which is not a finite number");
        }
      }
    }
    if (elements > maxElements) {
      throw ApiError.tooLarge(route + ": the values in '" + field + "' hold " + elements + " numbers; the playground "
          + "takes at most " + maxElements + " in all");
    }
    return out;
  }

  /** Every leaf of nested lists a finite number: JSON would print 1e999 as "Infinity", which reads as a string. */
  private static void checkLeaves(JsonNode n, String route, String what) {
    for (JsonNode e : n) {
      if (e.isArray()) {
        checkLeaves(e, route, what);
      } else if (!e.isNumber()) {
        throw ApiError.badRequest(route + ": " + what + " must hold numbers only, got " + e);
      } else if (!Double.isFinite(e.doubleValue())) {
        throw ApiError.badRequest(route + ": " + what + " holds " + e.asText() + ", which is not a finite number");
      }
    }
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
