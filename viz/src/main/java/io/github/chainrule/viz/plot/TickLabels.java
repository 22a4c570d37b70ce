package io.github.chainrule.viz.plot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the tick labels back out of a {@link Chart}'s SVG, with where each lands and about how much
 * room it takes, and says what is wrong with them: labels that touch, values that are not round,
 * labels (or the title, or a legend entry) outside the picture. Tests use it on every chart a report carries; it is also how a
 * reader can check a chart someone else drew with this class.
 */
public final class TickLabels {
  /** A tick label: its axis ("x" or "y"), whether that axis is logarithmic, its text and its box. */
  public record Label(String axis, boolean log, String text, double left, double top, double right,
      double bottom) {
    boolean overlaps(Label o) {
      return left < o.right && o.left < right && top < o.bottom && o.top < bottom;
    }
  }

  private TickLabels() {}

  /**
   * About how wide {@code text} is in DejaVu Sans or Helvetica at {@code fontSize} pixels: digits
   * and most letters 0.64 em (DejaVu's digits are 0.636), narrow marks less, wide letters more. It
   * errs on the wide side, so labels that keep apart by this estimate keep apart on screen.
   */
  public static double textWidth(String text, double fontSize) {
    double em = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      em += ".,:;'|!il ".indexOf(c) >= 0 ? 0.36 : "mwMW@".indexOf(c) >= 0 ? 1.0
          : Character.isUpperCase(c) ? 0.76 : 0.64;
    }
    return em * fontSize;
  }

  /** Every {@code <text class="tick ...">} of the SVG document, in document order. */
  public static List<Label> read(String svg) {
    return read(svg, false);
  }

  /** The tick labels, and with {@code all} the title and legend entries too (axis "title", "legend"). */
  private static List<Label> read(String svg, boolean all) {
    Document doc = parse(svg);
    NodeList texts = doc.getElementsByTagName("text");
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      Element t = (Element) texts.item(i);
      List<String> classes = List.of(t.getAttribute("class").split(" "));
      if (!classes.contains("tick") && !(all && (classes.contains("title") || classes.contains("legend")))) {
        continue;
      }
      String text = t.getTextContent();
      double size = Double.parseDouble(t.getAttribute("font-size"));
      double x = Double.parseDouble(t.getAttribute("x"));
      double y = Double.parseDouble(t.getAttribute("y"));
      double w = textWidth(text, size);
      String anchor = t.getAttribute("text-anchor");
      double left = anchor.equals("end") ? x - w : anchor.equals("middle") ? x - w / 2 : x;
      // A baseline at y: digits rise about 0.73 em above it; descenders reach 0.24 em below.
      String axis = classes.contains("title") ? "title" : classes.contains("legend") ? "legend"
          : classes.contains("x") ? "x" : "y";
      labels.add(new Label(axis, classes.contains("log"), text, left, y - 0.76 * size,
          left + w, y + 0.24 * size));
    }
    return labels;
  }

  /** What is wrong with the chart's tick labels, one sentence each; empty when nothing is. */
  public static List<String> problems(String svg) {
    Element root = parse(svg).getDocumentElement();
    double width = Double.parseDouble(root.getAttribute("width"));
    double height = Double.parseDouble(root.getAttribute("height"));
    List<String> problems = new ArrayList<>();
    for (Label a : read(svg, true)) {
      if (a.left < 0 || a.top < 0 || a.right > width || a.bottom > height) {
        problems.add((a.axis.length() == 1 ? a.axis + " tick label" : a.axis) + " '" + a.text
            + "' reaches outside the " + (int) width + "x" + (int) height + " picture");
      }
    }
    List<Label> labels = read(svg);
    for (int i = 0; i < labels.size(); i++) {
      Label a = labels.get(i);
      for (int j = i + 1; j < labels.size(); j++) {
        if (a.overlaps(labels.get(j))) {
          problems.add(a.axis + " tick labels '" + a.text + "' and '" + labels.get(j).text + "' overlap");
        }
      }
    }
    for (String axis : List.of("x", "y")) {
      List<Label> on = labels.stream().filter(l -> l.axis.equals(axis)).toList();
      if (on.size() < 2) {
        problems.add("the " + axis + " axis has " + on.size() + " tick label(s); a reader needs two to read a scale");
        continue;
      }
      String why = notRound(on);
      if (why != null) {
        problems.add("the " + axis + " axis ticks " + on.stream().map(Label::text).toList() + " " + why);
      }
    }
    return problems;
  }

  /** Null when the values step evenly by 1, 2 or 5 times a power of ten, or (log axis) are 1, 2, 5 x 10^k. */
  private static String notRound(List<Label> labels) {
    double[] v = new double[labels.size()];
    for (int i = 0; i < v.length; i++) {
      try {
        v[i] = Double.parseDouble(labels.get(i).text.replace(",", ""));
      } catch (NumberFormatException e) {
        return "include '" + labels.get(i).text + "', which is not a number";
      }
    }
    double step = Math.abs(v[1] - v[0]);
    boolean even = step > 0 && isOneTwoFive(step);
    for (int i = 1; i < v.length && even; i++) {
      even = Math.abs(Math.abs(v[i] - v[i - 1]) - step) <= 1e-9 * step
          && Math.abs(v[i] / step - Math.rint(v[i] / step)) <= 1e-6;
    }
    if (even) {
      return null;
    }
    if (labels.get(0).log) {
      boolean decades = true;
      for (double x : v) {
        decades &= x > 0 && isOneTwoFive(x);
      }
      return decades ? null : "are neither evenly spaced by a round step nor 1, 2 or 5 times powers of ten";
    }
    return "are not evenly spaced by 1, 2 or 5 times a power of ten";
  }

  private static boolean isOneTwoFive(double x) {
    double mantissa = x / Math.pow(10, Math.floor(Math.log10(x) + 1e-12));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (Math.abs(mantissa - m) <= 1e-9 * m) {
        return true;
      }
    }
    return false;
  }

  private static Document parse(String svg) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalArgumentException("tick labels: not an SVG document we can read: " + e.getMessage(), e);
    }
  }
}
