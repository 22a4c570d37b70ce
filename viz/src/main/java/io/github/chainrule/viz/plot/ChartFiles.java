package io.github.chainrule.viz.plot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes XChart charts as PNG (through AWT) and SVG (through VectorGraphics2D, which XChart brings
 * in). Runs headless: no display is needed.
 */
public final class ChartFiles {
  static {
    // Plots draw into images only; without this a machine with no display could try to open one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ChartFiles() {}

  /** Writes {@code base}.png and {@code base}.svg ({@code base} without an extension); returns both paths. */
  public static List<Path> writePngAndSvg(Chart<?, ?> chart, Path base) throws IOException {
    Path png = base.resolveSibling(base.getFileName() + ".png");
    Path svg = base.resolveSibling(base.getFileName() + ".svg");
    try {
      Path parent = base.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(png, png(chart));
      Files.writeString(svg, svg(chart), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // The JDK's message is often only a path (the directory in the way), not the file or the cause.
      throw new IOException("chart '" + chart.getTitle() + "': cannot write " + base + ".png/.svg: " + e, e);
    }
    return List.of(png, svg);
  }

  /** The chart as PNG bytes. */
  public static byte[] png(Chart<?, ?> chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** The chart as an SVG document. */
  public static String svg(Chart<?, ?> chart) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = out) {
      VectorGraphicsEncoder.saveVectorGraphic(chart, o, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
