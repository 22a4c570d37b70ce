package io.github.chainrule.viz.render;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders DOT text with Graphviz: by default the copy embedded in this library (Graphviz compiled to
 * WebAssembly, run inside the JVM by Chicory), so nothing needs to be installed; or the system's
 * {@code dot} program, when asked for.
 *
 * <pre>{@code
 * String svg = Graphviz.standard().svg(DotExporter.toDot(loss));          // embedded, thread-safe
 * Graphviz.standard().render(dot, Graphviz.Format.SVG, Path.of("loss.svg"));
 * Graphviz.system().render(dot, Graphviz.Format.PNG, Path.of("loss.png")); // needs dot installed
 * }</pre>
 *
 * <p>{@link #standard()} is the embedded engine unless the system property {@value #DOT_PROPERTY}
 * names a {@code dot} executable. Every SVG says which engine drew it, in a comment before its
 * {@code <svg>} element ({@link #engine()}). The embedded engine draws SVG only; PNG needs the
 * system's {@code dot}. A rendering that takes longer than the time limit (60 s unless changed) is
 * stopped; malformed DOT throws {@link GraphvizException} naming the line. Instances are immutable
 * and thread-safe.
 */
public final class Graphviz {
  /** System property naming a {@code dot} executable to use instead of the embedded Graphviz. */
  public static final String DOT_PROPERTY = "chainrule.dot";

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SVG_START = Pattern.compile("<svg[\\s>]");
  private static final Pattern LINE_NUMBER = Pattern.compile("(?:syntax error in|NUL character in) line (\\d+)");

  /** Output formats. */
  public enum Format {
    SVG("svg"), PNG("png");

    private final String flag;

    Format(String flag) {
      this.flag = flag;
    }

    /** The file extension and {@code -T} value. */
    public String extension() {
      return flag;
    }
  }

  /**
   * A finished rendering: the file written, whatever Graphviz warned about (one warning a line), and
   * which engine drew it.
   */
  public record Rendering(Path file, String warnings, String engine) {}

  private final Engine engine;
  private final Duration timeout;

  private Graphviz(Engine engine, Duration timeout) {
    this.engine = engine;
    this.timeout = timeout;
  }

  /**
   * The Graphviz to use when nobody said otherwise: the system {@code dot} named by {@value
   * #DOT_PROPERTY} when that property is set, else the embedded one.
   *
   * @throws GraphvizNotFoundException when the property names no executable file
   */
  public static Graphviz standard() {
    String configured = System.getProperty(DOT_PROPERTY);
    return configured == null || configured.isBlank() ? embedded() : system();
  }

  /** Graphviz compiled to WebAssembly and run inside this JVM: needs nothing installed. SVG only. */
  public static Graphviz embedded() {
    return new Graphviz(EmbeddedEngine.INSTANCE, DEFAULT_TIMEOUT);
  }

  /**
   * The system's {@code dot}: the one named by {@value #DOT_PROPERTY}, or else the first on PATH.
   *
   * @throws GraphvizNotFoundException saying how to install Graphviz
   */
  public static Graphviz system() {
    String configured = System.getProperty(DOT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new GraphvizNotFoundException("-D" + DOT_PROPERTY + "=" + configured + " is not an executable file");
      }
      return new Graphviz(new SystemDot(p), DEFAULT_TIMEOUT);
    }
    return find(System.getenv("PATH"));
  }

  /**
   * The same as {@link #standard()}: the embedded Graphviz unless {@value #DOT_PROPERTY} is set.
   *
   * @deprecated the name is from when this always meant the {@code dot} on PATH; use {@link
   *     #standard()}, or {@link #system()} for the installed {@code dot}
   */
  @Deprecated
  public static Graphviz onPath() {
    return standard();
  }

  /** The first {@code dot} in the directories of {@code pathVariable} (PATH syntax). */
  static Graphviz find(String pathVariable) {
    return NativeTools.findIn(pathVariable, "dot")
        .map(p -> new Graphviz(new SystemDot(p), DEFAULT_TIMEOUT))
        .orElseThrow(() -> new GraphvizNotFoundException("searched PATH=" + pathVariable));
  }

  /** The same engine with another time limit. */
  public Graphviz withTimeout(Duration timeout) {
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "graphviz: timeout must be positive, got %s", timeout);
    return new Graphviz(engine, timeout);
  }

  /** Which engine draws, as every SVG names it: "Graphviz 15.1.1 (embedded, WebAssembly via Chicory)". */
  public String engine() {
    return engine.description();
  }

  /** The {@code dot} executable that runs, or empty for the embedded Graphviz. */
  public Optional<Path> executable() {
    return engine instanceof SystemDot s ? Optional.of(s.executable()) : Optional.empty();
  }

  /**
   * {@code dotSource} as an SVG document, with a comment naming the engine. Thread-safe; meant to be
   * called for every request of a server.
   *
   * @throws GraphvizException when the DOT text is malformed (naming the line), Graphviz fails, or it
   *     runs out of time
   */
  public String svg(String dotSource) throws IOException {
    return new String(renderBytes(dotSource, Format.SVG), StandardCharsets.UTF_8);
  }

  /** Renders {@code dotSource} into {@code target} in {@code format}. */
  public Rendering render(String dotSource, Format format, Path target) throws IOException {
    Engine.Output out = output(dotSource, format);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(target, out.bytes());
    return new Rendering(target, String.join("\n", out.warnings()), engine.description());
  }

  /** Renders the DOT file {@code dotFile} into {@code target} in {@code format}. */
  public Rendering renderFile(Path dotFile, Format format, Path target) throws IOException {
    try {
      return render(Files.readString(dotFile, StandardCharsets.UTF_8), format, target);
    } catch (GraphvizException e) {
      throw e.in(dotFile.toString());
    }
  }

  /** Renders to bytes in memory. */
  public byte[] renderBytes(String dotSource, Format format) throws IOException {
    return output(dotSource, format).bytes();
  }

  private Engine.Output output(String dotSource, Format format) throws IOException {
    checkNotNull(dotSource, "graphviz: dot source is null");
    checkNotNull(format, "graphviz: format is null");
    int nul = dotSource.indexOf('\0');
    if (nul >= 0) {
      int line = (int) dotSource.substring(0, nul).chars().filter(c -> c == '\n').count() + 1;
      throw new GraphvizException("graphviz: the DOT text has a NUL character in line " + line
          + ", where Graphviz would stop reading" + quoteLine("NUL character in line " + line, dotSource), "");
    }
    Engine.Output out;
    try {
      out = engine.render(dotSource, format, timeout);
    } catch (GraphvizException e) {
      String quoted = quoteLine(e.stderr(), dotSource);
      if (quoted.isEmpty()) {
        throw e;
      }
      GraphvizException withLine = new GraphvizException(e.getMessage() + quoted, e.stderr());
      withLine.initCause(e);
      throw withLine;
    }
    // Graphviz draws on after some errors (a malformed HTML label becomes no label at all): a
    // drawing that silently lost part of the graph is worse than none.
    List<String> errors = out.warnings().stream().filter(w -> w.startsWith("Error")).toList();
    if (!errors.isEmpty()) {
      String said = String.join("\n", out.warnings());
      throw new GraphvizException("graphviz: Graphviz reported errors: " + said + quoteLine(said, dotSource), said);
    }
    return format == Format.SVG ? new Engine.Output(signed(out.bytes()), out.warnings()) : out;
  }

  /** The SVG with a comment naming the engine just before its {@code <svg>} element. */
  private byte[] signed(byte[] svg) {
    String text = new String(svg, StandardCharsets.UTF_8);
    Matcher m = SVG_START.matcher(text);
    int at = m.find() ? m.start() : 0;
    String comment = "<!-- drawn by " + engine.description().replace("--", "- -") + " -->\n";
    return (text.substring(0, at) + comment + text.substring(at)).getBytes(StandardCharsets.UTF_8);
  }

  /** The engine named in an SVG drawn here ("Graphviz 15.1.1 (embedded, ...)"), or empty. */
  public static Optional<String> engineOf(String svg) {
    Matcher m = Pattern.compile("<!-- drawn by (.*?) -->").matcher(svg);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** "\n  line 3: b -> }" when {@code message} is a syntax error naming a line of {@code dot}; else "". */
  static String quoteLine(String message, String dot) {
    Matcher m = LINE_NUMBER.matcher(message);
    if (!m.find()) {
      return "";
    }
    int line = Integer.parseInt(m.group(1));
    List<String> lines = dot.lines().toList();
    if (line < 1 || line > lines.size()) {
      return "";
    }
    String text = lines.get(line - 1).strip();
    return "\n  line " + line + ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
