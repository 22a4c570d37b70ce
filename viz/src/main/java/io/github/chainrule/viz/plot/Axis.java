package io.github.chainrule.viz.plot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a {@link Chart}: its range, where a value lands on it, and its ticks. Ticks are round
 * (k times 1, 2 or 5 times a power of ten; on a log axis 1, 2 and 5 times powers of ten, or every
 * n-th decade), and the densest such set whose labels keep apart is chosen.
 */
final class Axis {
  record Tick(double value, String label) {}

  private static final int[] MANTISSAS = {1, 2, 5};
  private static final double MIN_SPACING_X = 56;
  private static final double MIN_SPACING_Y = 30;
  private final double lo;
  private final double hi;
  private final boolean log;

  private Axis(double lo, double hi, boolean log) {
    this.lo = lo;
    this.hi = hi;
    this.log = log;
  }

  /** [min, max] widened by {@code pad} of its span on each side; a single value gets a span around it. */
  static Axis linear(double min, double max, double pad) {
    if (!(min <= max)) {
      return new Axis(0, 1, false);
    }
    // Keep the span finite, so that ticks can be counted.
    min = Math.max(min, -Double.MAX_VALUE / 4);
    max = Math.min(max, Double.MAX_VALUE / 4);
    if (min == max) {
      double d = min == 0 ? 1 : Math.abs(min) * 0.1;
      return new Axis(min - d, max + d, false);
    }
    double d = (max - min) * pad;
    return new Axis(min - d, max + d, false);
  }

  /** A logarithmic axis over positive [min, max], widened by 5% of its decades on each side. */
  static Axis log(double min, double max) {
    if (!(min <= max)) {
      return new Axis(1, 10, true);
    }
    double a = Math.log10(min);
    double b = Math.log10(max);
    double d = a == b ? 0.3 : (b - a) * 0.05;
    return new Axis(Math.pow(10, a - d), Math.pow(10, b + d), true);
  }

  /** Where {@code v} lies between the axis's ends, 0 to 1. */
  double fraction(double v) {
    return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
  }

  /**
   * The densest round ticks whose labels stay {@code gap} pixels apart on an axis {@code length}
   * pixels long (labels side by side when {@code horizontal}, stacked otherwise).
   */
  List<Tick> ticks(double length, boolean horizontal, double gap) {
    List<List<Tick>> candidates = new ArrayList<>();
    if (log) {
      int first = (int) Math.ceil(Math.log10(lo) - 1e-9);
      int last = (int) Math.floor(Math.log10(hi) + 1e-9);
      if (Math.log10(hi) - Math.log10(lo) <= 4) {
        candidates.add(mantissaTicks(first - 1, last));
      }
      for (long every = 1; every <= Math.max(1, last - first); every = nextOnLadder(every)) {
        candidates.add(decadeTicks(first, last, every));
      }
    }
    candidates.addAll(linearCandidates(length));
    List<Tick> fallback = null;
    for (List<Tick> c : candidates) {
      if (fits(c, length, horizontal, gap)) {
        if (c.size() >= 2) {
          return c;
        }
        fallback = fallback == null && !c.isEmpty() ? c : fallback;
      }
    }
    return fallback != null ? fallback : List.of();
  }

  /** 1, 2, 5, 10, 20, 50, ... */
  private static long nextOnLadder(long n) {
    long decade = 1;
    while (decade * 10 <= n) {
      decade *= 10;
    }
    long m = n / decade;
    return m == 1 ? 2 * decade : m == 2 ? 5 * decade : 10 * decade;
  }

  private List<Tick> mantissaTicks(int firstDecade, int lastDecade) {
    List<Tick> ticks = new ArrayList<>();
    for (int e = firstDecade; e <= lastDecade; e++) {
      for (int m : MANTISSAS) {
        BigDecimal v = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
        double d = v.doubleValue();
        if (d >= lo * (1 - 1e-12) && d <= hi * (1 + 1e-12)) {
          ticks.add(new Tick(d, logLabel(v, e)));
        }
      }
    }
    return ticks;
  }

  private static List<Tick> decadeTicks(int first, int last, long every) {
    List<Tick> ticks = new ArrayList<>();
    for (long e = Math.floorDiv(first + every - 1, every) * every; e <= last; e += every) {
      BigDecimal v = BigDecimal.ONE.scaleByPowerOfTen((int) e);
      ticks.add(new Tick(v.doubleValue(), logLabel(v, (int) e)));
    }
    return ticks;
  }

  /** Plain numbers from 0.001 to 10,000, beyond that 1e-6, 2e5. */
  private static String logLabel(BigDecimal v, int exponent) {
    return exponent >= -3 && exponent <= 4 ? plain(v, Math.min(0, exponent)) : scientific(v);
  }

  /** Evenly spaced ticks, steps 1, 2, 5 times powers of ten, from dense (about 20 px apart) to two ticks. */
  private List<List<Tick>> linearCandidates(double length) {
    List<List<Tick>> out = new ArrayList<>();
    double span = hi - lo;
    int exponent = (int) Math.floor(Math.log10(span / Math.max(1, length / 20)));
    int m = 0;
    for (int guard = 0; guard < 60; guard++) {
      BigDecimal step = BigDecimal.valueOf(MANTISSAS[m]).scaleByPowerOfTen(exponent);
      if (step.doubleValue() > span) {
        break;
      }
      out.add(evenTicks(step, exponent));
      if (++m == MANTISSAS.length) {
        m = 0;
        exponent++;
      }
    }
    return out;
  }

  private List<Tick> evenTicks(BigDecimal step, int stepExponent) {
    BigDecimal first = new BigDecimal(lo).divide(step, 0, RoundingMode.CEILING);
    BigDecimal last = new BigDecimal(hi).divide(step, 0, RoundingMode.FLOOR);
    List<BigDecimal> values = new ArrayList<>();
    for (BigDecimal k = first; k.compareTo(last) <= 0 && values.size() <= 1000; k = k.add(BigDecimal.ONE)) {
      values.add(k.multiply(step));
    }
    double largest = 0;
    for (BigDecimal v : values) {
      largest = Math.max(largest, Math.abs(v.doubleValue()));
    }
    boolean scientific = largest >= 1e6 || (largest > 0 && largest < 1e-3);
    List<Tick> ticks = new ArrayList<>();
    for (BigDecimal v : values) {
      String label = v.signum() == 0 ? "0" : scientific ? scientific(v) : plain(v, stepExponent);
      ticks.add(new Tick(v.doubleValue(), label));
    }
    return ticks;
  }

  /** {@code v} with the decimals a step of 10^stepExponent needs; thousands grouped from 10,000. */
  private static String plain(BigDecimal v, int stepExponent) {
    BigDecimal scaled = v.setScale(Math.max(0, -stepExponent), RoundingMode.HALF_EVEN);
    if (scaled.scale() == 0 && scaled.abs().compareTo(BigDecimal.valueOf(10_000)) >= 0) {
      return String.format(java.util.Locale.ROOT, "%,d", scaled.toBigIntegerExact());
    }
    return scaled.toPlainString();
  }

  /** 2.5e6, 1e-7. */
  private static String scientific(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    int exponent = s.precision() - s.scale() - 1;
    return s.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e" + exponent;
  }

  private boolean fits(List<Tick> ticks, double length, boolean horizontal, double gap) {
    for (int i = 1; i < ticks.size(); i++) {
      double apart = Math.abs(fraction(ticks.get(i).value()) - fraction(ticks.get(i - 1).value())) * length;
      // Apart enough not to touch, and not so dense that the grid turns into a comb.
      double needed = horizontal
          ? Math.max(MIN_SPACING_X, (TickLabels.textWidth(ticks.get(i).label(), Chart.TICK_FONT)
              + TickLabels.textWidth(ticks.get(i - 1).label(), Chart.TICK_FONT)) / 2 + gap)
          : Math.max(MIN_SPACING_Y, Chart.TICK_FONT + gap / 2);
      if (apart < needed) {
        return false;
      }
    }
    return true;
  }
}
