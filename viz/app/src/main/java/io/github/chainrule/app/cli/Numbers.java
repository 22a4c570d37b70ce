package io.github.chainrule.app.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers printed so that reading them back gives the same double. */
final class Numbers {
  private static final MathContext SEVENTEEN = new MathContext(17);

  private Numbers() {}

  /**
   * {@code v} at 17 significant digits, enough for any double to round-trip, with trailing zeros
   * dropped ({@code 2}, {@code 0.10000000000000001}, {@code 1.2345678901234567e-9}); plain notation
   * from 1e-5 to 1e17, scientific outside; {@code NaN}, {@code Infinity}, {@code -Infinity}.
   */
  static String full(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return 1 / v < 0 ? "-0" : "0";
    }
    BigDecimal d = new BigDecimal(v).round(SEVENTEEN).stripTrailingZeros();
    double a = Math.abs(v);
    if (a >= 1e-5 && a < 1e17) {
      return d.toPlainString();
    }
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    return (v < 0 ? "-" : "") + digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "")
        + "e" + exponent;
  }
}
