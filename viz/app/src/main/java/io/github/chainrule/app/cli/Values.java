package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Values written on the command line: {@code NAME=VALUE} pairs separated by commas, where a value is
 * a number ({@code 2}, {@code -0.5}, {@code 1e-3}) or a tensor written as nested lists of numbers,
 * row by row as NumPy prints them: {@code [1,0]} is a vector [2], {@code [[1,2],[3,4]]} a matrix
 * [2, 2]. A comma inside brackets belongs to the value, so {@code W=[[1,2],[3,4]],x=[1,0]} is two
 * pairs. Spaces are allowed anywhere except inside a number.
 */
final class Values {
  /** Deeper lists than this are refused: no tensor on a command line needs more axes, and the parser's recursion stays shallow. */
  static final int MAX_RANK = 8;

  private Values() {}

  /**
   * The pairs of every occurrence of {@code option}, in order.
   *
   * @throws ParameterException (a usage error) for a malformed pair, naming it and what is wrong
   */
  static Map<String, Tensor> parse(CommandSpec spec, List<String> occurrences, String option) {
    try {
      return parse(occurrences, option);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static Map<String, Tensor> parse(List<String> occurrences, String option) {
    Map<String, Tensor> values = new LinkedHashMap<>();
    for (String occurrence : occurrences) {
      for (String pair : splitOutsideBrackets(occurrence, option)) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? "" : pair.substring(0, eq).trim();
        if (eq < 0 || name.isEmpty()) {
          throw new IllegalArgumentException(option + " " + pair + ": expected NAME=VALUE, such as x=2 or W=[[1,2],[3,4]]");
        }
        if (values.containsKey(name)) {
          throw new IllegalArgumentException(option + " " + pair + ": " + name + " is given twice");
        }
        try {
          values.put(name, value(pair.substring(eq + 1), eq + 1));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(option + " " + pair + ": " + e.getMessage(), e);
        }
      }
    }
    return values;
  }

  /**
   * The comma-separated items of every occurrence of {@code option}, in order, each whole when a
   * comma is inside brackets: {@code W=[[1,2],[3,4]],b} is two items.
   *
   * @throws ParameterException (a usage error) for unbalanced brackets, naming the character
   */
  static List<String> splitAll(CommandSpec spec, List<String> occurrences, String option) {
    List<String> items = new ArrayList<>();
    try {
      for (String occurrence : occurrences) {
        items.addAll(splitOutsideBrackets(occurrence, option));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return items;
  }

  /** Splits at the commas that are not inside brackets. */
  private static List<String> splitOutsideBrackets(String text, String option) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']' && --depth < 0) {
        throw new IllegalArgumentException(option + " " + text + ": a ']' at character " + (i + 1) + " closes no '['");
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth > 0) {
      throw new IllegalArgumentException(option + " " + text + ": " + depth + (depth == 1 ? " '[' is" : " '[' are")
          + " not closed");
    }
    parts.add(text.substring(start));
    return parts;
  }

  /**
   * A number or nested lists of numbers, as a tensor of the lists' shape (a number is a scalar).
   *
   * @param column where {@code text} starts in what the user sees, for the character positions in messages
   */
  static Tensor value(String text, int column) {
    Reader r = new Reader(text, column);
    r.skipSpaces();
    if (r.at() != '[') {
      return Tensor.scalar(number(text.trim()));
    }
    r.list(0);
    r.skipSpaces();
    if (r.pos < text.length()) {
      throw new IllegalArgumentException("unexpected '" + text.substring(r.pos).trim() + "' after the closing ']'");
    }
    return Tensor.of(r.data(), r.shape());
  }

  private static double number(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a number is missing");
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
  }

  /** Reads nested lists, recording the length of each depth the first time it is seen and checking it afterwards. */
  private static final class Reader {
    private final String text;
    private final int[] lengths = new int[MAX_RANK];
    /** The depth of the lists that hold numbers, once one has been read. */
    private int leafDepth = -1;
    private final List<Double> flat = new ArrayList<>();
    private final int column;
    private int pos;

    Reader(String text, int column) {
      this.text = text;
      this.column = column;
      Arrays.fill(lengths, -1);
    }

    char at() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    int[] shape() {
      return Arrays.copyOf(lengths, leafDepth + 1);
    }

    double[] data() {
      return flat.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Reads the list that opens at {@code pos}, at {@code depth} (0 for the outermost). */
    void list(int depth) {
      if (depth >= MAX_RANK) {
        throw new IllegalArgumentException("lists nest more than " + MAX_RANK + " deep");
      }
      int open = pos++;
      int length = 0;
      skipSpaces();
      while (at() != ']') {
        if (length > 0) {
          if (at() != ',') {
            throw new IllegalArgumentException(at() == '\0' ? "the list at character " + (column + open + 1) + " is not closed"
                : "expected ',' or ']' at character " + (column + pos + 1) + ", found '" + at() + "'");
          }
          pos++;
          skipSpaces();
        }
        if (at() == '[') {
          if (leafDepth == depth) {
            throw new IllegalArgumentException("the list at character " + (column + open + 1) + " holds a list where the"
                + " lists before it hold numbers");
          }
          list(depth + 1);
        } else {
          if (leafDepth >= 0 && leafDepth != depth) {
            throw new IllegalArgumentException("the list at character " + (column + open + 1) + " holds a number where the"
                + " lists before it hold lists");
          }
          leafDepth = depth;
          int start = pos;
          while (pos < text.length() && ",[] \t".indexOf(text.charAt(pos)) < 0) {
            pos++;
          }
          flat.add(number(text.substring(start, pos)));
        }
        length++;
        skipSpaces();
      }
      pos++;
      if (length == 0) {
        throw new IllegalArgumentException("the list at character " + (column + open + 1) + " is empty");
      }
      if (lengths[depth] < 0) {
        lengths[depth] = length;
      } else if (lengths[depth] != length) {
        throw new IllegalArgumentException("the lists at depth " + (depth + 1) + " must all have the same length: the"
            + " first has " + lengths[depth] + ", the one at character " + (column + open + 1) + " has " + length);
      }
    }
  }

  /** The value as it would be written on the command line, each number at full precision ({@link Numbers#full}). */
  static String format(Tensor t) {
    StringBuilder out = new StringBuilder();
    append(out, t.data(), t.shapeRef(), 0, 0);
    return out.toString();
  }

  private static int append(StringBuilder out, double[] data, int[] shape, int axis, int offset) {
    if (axis == shape.length) {
      out.append(Numbers.full(data[offset]));
      return offset + 1;
    }
    out.append('[');
    for (int i = 0; i < shape[axis]; i++) {
      out.append(i == 0 ? "" : ",");
      offset = append(out, data, shape, axis + 1, offset);
    }
    out.append(']');
    return offset;
  }
}
