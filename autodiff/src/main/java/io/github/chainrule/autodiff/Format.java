package io.github.chainrule.autodiff;

import java.util.Locale;

/** Text formatting of values for people: printing, graphs and reports share these rules. */
public final class Format {
  private Format() {}

  /** A number in at most 6 significant digits, with NaN and infinities spelled out. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      String[] parts = s.split("e");
      return stripZeros(parts[0]) + "e" + Integer.parseInt(parts[1]);
    }
    return stripZeros(s);
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Values with nested brackets by shape ({@code [[1, 2], [3, 4]]}) when there are at most {@code
   * limit} of them; otherwise a summary {@code {min=…, mean=…, max=…, norm=…}}.
   */
  public static String values(double[] data, int[] shape, int limit) {
    if (shape.length == 0) {
      return number(data[0]);
    }
    if (data.length > limit) {
      return summary(data);
    }
    StringBuilder sb = new StringBuilder();
    appendNested(sb, data, shape, 0, 0);
    return sb.toString();
  }

  private static int appendNested(StringBuilder sb, double[] data, int[] shape, int axis, int offset) {
    sb.append('[');
    for (int i = 0; i < shape[axis]; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (axis == shape.length - 1) {
        sb.append(number(data[offset++]));
      } else {
        offset = appendNested(sb, data, shape, axis + 1, offset);
      }
    }
    sb.append(']');
    return offset;
  }

  /** {@code {min=…, mean=…, max=…, norm=…}}, with a count of non-finite values when there are any. */
  public static String summary(double[] data) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double sumSq = 0;
    int nonFinite = 0;
    for (double v : data) {
      if (!Double.isFinite(v)) {
        nonFinite++;
        continue;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSq += v * v;
    }
    int finite = data.length - nonFinite;
    String s = finite == 0 ? "{no finite values" : "{min=" + number(min) + ", mean=" + number(sum / finite)
        + ", max=" + number(max) + ", norm=" + number(Math.sqrt(sumSq));
    return s + (nonFinite > 0 ? ", non-finite=" + nonFinite : "") + "}";
  }
}
