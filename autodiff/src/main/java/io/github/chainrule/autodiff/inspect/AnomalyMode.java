package io.github.chainrule.autodiff.inspect;

import com.google.common.collect.MapMaker;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.OpHook;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;

/**
 * Stops at the first op that produces NaN or an infinity, in the forward pass or in the backward
 * pass, with a {@link NonFiniteValueException} that names the op, the node, the inputs' shapes,
 * sample offending values, and the line of user code that created the node.
 *
 * <pre>{@code
 * try (var scope = AnomalyMode.enabled()) {
 *   Tensor loss = model(x).log().mean();   // throws here if log meets a 0
 *   loss.backward();                       // or here if a backward rule divides by 0
 * }
 * }</pre>
 *
 * <h2>Per thread, off by default</h2>
 * Each thread has its own mode, switched by the scope above or by {@link #setEnabled}. When no
 * thread has it on, its {@link OpHook} is not installed and the cost to every op is one read of a
 * volatile field; only a thread with it on pays for the checks (a scan of each result) and for recording where each node was created (a stack
 * walk per op), which slows ops down many times: it is for debugging, as PyTorch's is.
 *
 * <h2>Where the node was created</h2>
 * The first stack frame outside the autodiff module's own classes (and outside the JDK): the line of
 * user code (a model, a test, or a library built on chainrule) that called the op. Sites are kept in
 * a map with weak keys, so a node's site lives as long as the node and adds no field to it.
 *
 * <h2>Backward</h2>
 * In a backward pass each op's backward rule runs with forward checks suspended, and its results are
 * checked as a whole, so an infinity produced by, say, the division inside sqrt's derivative is
 * reported as coming from sqrt's backward, not from a {@code div} the user never wrote.
 */
public final class AnomalyMode {
  private static final class State {
    boolean on;
    int backwardDepth;
  }

  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);
  private static final ConcurrentMap<Tensor, StackTraceElement> SITES = new MapMaker().weakKeys().makeMap();
  private static final URL LIBRARY = location(Tensor.class);
  private static final int SAMPLES = 3;
  // True while at least one thread has anomaly mode on; the hook is installed exactly then.
  private static volatile boolean anyThread;
  private static int threadsOn;
  private static final OpHook HOOK = new OpHook() {
    @Override
    public void afterForward(Op op, Tensor[] inputs, Tensor output) {
      checkForward(op, inputs, output);
    }

    @Override
    public Tensor[] backward(Tensor node, Tensor[] inputs, Tensor gradOutput) {
      return checkedBackward(node, inputs, gradOutput);
    }
  };

  private AnomalyMode() {}

  /** True if anomaly mode is on for the current thread. */
  public static boolean isEnabled() {
    return anyThread && STATE.get().on;
  }

  /** Switches anomaly mode on or off for the current thread. */
  public static void setEnabled(boolean on) {
    State s = STATE.get();
    if (s.on == on) {
      return;
    }
    s.on = on;
    synchronized (AnomalyMode.class) {
      threadsOn += on ? 1 : -1;
      anyThread = threadsOn > 0;
      OpHook.install(anyThread ? HOOK : null);
    }
  }

  /** Turns anomaly mode on for this thread until the scope is closed, then restores the previous mode. */
  public static Scope enabled() {
    boolean previous = STATE.get().on;
    setEnabled(true);
    return new Scope(previous);
  }

  /** Restores the previous mode when closed. Closing twice is harmless. */
  public static final class Scope implements AutoCloseable {
    private final boolean previous;
    private boolean closed;

    private Scope(boolean previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        setEnabled(previous);
        closed = true;
      }
    }
  }

  /**
   * True while any thread has anomaly mode on, and so its {@link OpHook} is installed: when false,
   * ops skip the checks entirely.
   */
  public static boolean active() {
    return anyThread;
  }

  /** Where {@code node} was created, if it was created while anomaly mode was on. */
  public static Optional<StackTraceElement> creationSite(Tensor node) {
    return Optional.ofNullable(SITES.get(node));
  }

  /**
   * After {@code op} computed {@code out}, while the hook is installed: records where the node was
   * created and throws if it holds NaN or an infinity.
   */
  private static void checkForward(Op op, Tensor[] inputs, Tensor out) {
    State s = STATE.get();
    if (!s.on || s.backwardDepth > 0) {
      return;
    }
    StackTraceElement site = userFrame();
    if (site != null) {
      SITES.put(out, site);
    }
    double[] v = out.data();
    List<Integer> bad = nonFinite(v);
    if (bad.isEmpty()) {
      return;
    }
    // The op is not attached to the node yet, so label it the way Tensor#label will once it is.
    String node = out.name() != null ? out.name() : "<" + op.name() + ">";
    StringBuilder sb = new StringBuilder();
    sb.append("anomaly mode: ").append(op.label()).append(" produced ").append(Format2.kind(v, bad))
        .append(" in the forward pass (node ").append(node).append(", shape ").append(Shape.format(out.shapeRef()))
        .append(site == null ? "" : ", created at " + site).append(")\n");
    sb.append("  inputs: ");
    for (int i = 0; i < inputs.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(inputs[i].label()).append(' ').append(Shape.format(inputs[i].shapeRef()));
    }
    sb.append('\n');
    for (int e : bad.subList(0, Math.min(SAMPLES, bad.size()))) {
      sb.append("  output").append(Format2.index(out, e)).append(" = ").append(Format2.number(v[e])).append(" from ");
      for (int i = 0; i < inputs.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(Format2.valueAt(inputs[i], out, e));
      }
      sb.append('\n');
    }
    sb.append("  ").append(bad.size()).append(" of ").append(v.length).append(" elements are not finite");
    List<String> already = new ArrayList<>();
    for (Tensor in : inputs) {
      if (!nonFinite(in.data()).isEmpty()) {
        already.add(in.label());
      }
    }
    if (!already.isEmpty()) {
      sb.append("; note ").append(String.join(", ", already)).append(" already held non-finite values "
          + "(created before anomaly mode was on, or given as data)");
    }
    throw new NonFiniteValueException(sb.toString(), "forward", op.label(), node, shapes(inputs), site);
  }

  /**
   * Instead of {@code node.op().backward(inputs, node, gradOutput)}, while the hook is installed:
   * runs the rule with forward checks suspended, then throws if any contribution holds NaN or an
   * infinity.
   */
  private static Tensor[] checkedBackward(Tensor node, Tensor[] inputs, Tensor gradOutput) {
    State s = STATE.get();
    if (!s.on) {
      return node.op().backward(inputs, node, gradOutput);
    }
    Tensor[] contributions;
    s.backwardDepth++;
    try {
      contributions = node.op().backward(inputs, node, gradOutput);
    } finally {
      s.backwardDepth--;
    }
    for (int j = 0; j < contributions.length; j++) {
      Tensor c = contributions[j];
      if (c == null) {
        continue;
      }
      List<Integer> bad = nonFinite(c.data());
      if (bad.isEmpty()) {
        continue;
      }
      StackTraceElement site = SITES.get(node);
      Tensor in = inputs[j];
      StringBuilder sb = new StringBuilder();
      sb.append("anomaly mode: the backward rule of ").append(node.op().label()).append(" produced ")
          .append(Format2.kind(c.data(), bad)).append(" in the gradient for its input ").append(j).append(" (")
          .append(in.label()).append(", shape ").append(Shape.format(in.shapeRef())).append(") (node ").append(node.label())
          .append(", shape ").append(Shape.format(node.shapeRef()))
          .append(site == null ? ", created before anomaly mode was on" : ", created at " + site).append(")\n");
      for (int e : bad.subList(0, Math.min(SAMPLES, bad.size()))) {
        sb.append("  gradient").append(Format2.index(c, e)).append(" = ").append(Format2.number(c.data()[e]))
            .append(" where ").append(Format2.valueAt(in, in, e));
        if (node.size() == in.size()) {
          sb.append(", output = ").append(Format2.number(node.data()[e])).append(", upstream gradient = ")
              .append(Format2.number(gradOutput.data()[e]));
        }
        sb.append('\n');
      }
      sb.append("  ").append(bad.size()).append(" of ").append(c.size()).append(" elements are not finite");
      if (!nonFinite(gradOutput.data()).isEmpty()) {
        sb.append("; note the upstream gradient dL/d").append(node.label()).append(" already held non-finite values");
      }
      throw new NonFiniteValueException(sb.toString(), "backward", node.op().label(), node.label(), shapes(inputs), site);
    }
    return contributions;
  }

  private static List<int[]> shapes(Tensor[] inputs) {
    List<int[]> out = new ArrayList<>();
    for (Tensor t : inputs) {
      out.add(t.shape());
    }
    return out;
  }

  private static List<Integer> nonFinite(double[] v) {
    List<Integer> bad = null;
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        if (bad == null) {
          bad = new ArrayList<>();
        }
        bad.add(i);
      }
    }
    return bad == null ? List.of() : bad;
  }

  /** The first frame that is neither the autodiff module's nor the JDK's. */
  private static StackTraceElement userFrame() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
        .filter(f -> !isLibrary(f.getDeclaringClass()))
        .findFirst()
        .map(StackWalker.StackFrame::toStackTraceElement)
        .orElse(null));
  }

  private static boolean isLibrary(Class<?> c) {
    if (c.getClassLoader() == null || c.getName().startsWith("java.") || c.getName().startsWith("jdk.")
        || c.getName().startsWith("sun.")) {
      return true;
    }
    URL where = location(c);
    if (LIBRARY != null && where != null) {
      return LIBRARY.equals(where);
    }
    // No code source (unusual class loaders): fall back to the package name.
    return c.getName().startsWith("io.github.chainrule.autodiff.") && !c.getName().endsWith("Test");
  }

  private static URL location(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    return cs == null ? null : cs.getLocation();
  }

  /** Formatting for the messages. */
  private static final class Format2 {
    static String number(double v) {
      return io.github.chainrule.autodiff.Format.number(v);
    }

    static String kind(double[] v, List<Integer> bad) {
      boolean nan = false;
      boolean inf = false;
      for (int e : bad) {
        nan |= Double.isNaN(v[e]);
        inf |= Double.isInfinite(v[e]);
      }
      return nan && inf ? "NaN and infinities" : nan ? "NaN" : number(v[bad.get(0)]);
    }

    static String index(Tensor t, int flat) {
      if (t.rank() == 0) {
        return "";
      }
      int[] strides = Shape.strides(t.shapeRef());
      int[] idx = new int[strides.length];
      for (int i = 0; i < strides.length; i++) {
        idx[i] = flat / strides[i];
        flat %= strides[i];
      }
      return Shape.format(idx);
    }

    /** {@code x[1] = 0}: the element of {@code in} that feeds output element {@code e} under broadcasting. */
    static String valueAt(Tensor in, Tensor out, int e) {
      if (in.size() == 1) {
        return in.label() + " = " + number(in.data()[0]);
      }
      if (!Shape.broadcastsTo(in.shapeRef(), out.shapeRef())) {
        return in.label() + " " + io.github.chainrule.autodiff.Format.summary(in.data());
      }
      int[] os = Shape.strides(out.shapeRef());
      int[] is = Shape.broadcastStrides(in.shapeRef(), out.shapeRef());
      int flat = 0;
      int rest = e;
      for (int d = 0; d < os.length; d++) {
        flat += rest / os[d] * is[d];
        rest %= os[d];
      }
      return in.label() + index(in, flat) + " = " + number(in.data()[flat]);
    }
  }
}
