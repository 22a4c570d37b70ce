package io.github.chainrule.app.serve;

import io.github.chainrule.viz.render.Graphviz;
import io.github.chainrule.viz.render.GraphvizException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * DOT to SVG for the playground, laid out once per graph structure: the explorer asks again on every
 * slider move with the same key and gets the cached layout back, so the picture never jumps while
 * only the numbers change (the page rewrites those in place).
 */
final class GraphSvg {
  private static final int CACHED = 256;

  private final Map<String, String> byKey = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > CACHED;
    }
  };

  /** Layouts computed (cache misses): a value-only move must not add one. */
  private final java.util.concurrent.atomic.AtomicLong renders = new java.util.concurrent.atomic.AtomicLong();

  long renders() {
    return renders.get();
  }

  /** The SVG of the DOT text {@code dot} supplies, computed (and the DOT written) once per {@code layoutKey}. */
  String layout(String layoutKey, Supplier<String> dot) {
    synchronized (byKey) {
      String cached = byKey.get(layoutKey);
      if (cached != null) {
        return cached;
      }
    }
    renders.incrementAndGet();
    String svg = render(dot.get());
    synchronized (byKey) {
      byKey.put(layoutKey, svg);
    }
    return svg;
  }

  /**
   * The one place the playground turns DOT into SVG: switch the renderer here. Thread-safe: each call
   * renders on its own.
   */
  static String render(String dot) {
    try {
      return Graphviz.standard().svg(dot);
    } catch (GraphvizException e) {
      // Too large to lay out in time, or refused: the numbers are still complete without the picture.
      throw new ApiError(422, "the graph could not be drawn: " + e.getMessage()
          + " (the values and gradients below are complete without it)");
    } catch (IOException e) {
      throw new ApiError(500, "the graph could not be drawn: " + e.getMessage());
    }
  }
}
