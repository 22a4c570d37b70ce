package io.github.chainrule.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.ops.Arithmetic;
import io.github.chainrule.autodiff.ops.Functions;
import io.github.chainrule.autodiff.ops.Indexing;
import io.github.chainrule.autodiff.ops.MatMul;
import io.github.chainrule.autodiff.ops.Reductions;
import io.github.chainrule.autodiff.ops.Shaping;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;

/**
 * A node of the computational graph: a dense, row-major array of float64 values of any rank
 * (rank 0 is a scalar), the op that produced it, its inputs, and after {@link #backward()} its
 * gradient.
 *
 * <pre>{@code
 * Tensor w = Tensor.vector(0.5, -1.0).named("w").requiresGrad();
 * Tensor x = Tensor.vector(2.0, 3.0).named("x");
 * Tensor loss = w.mul(x).sum().square().named("loss");
 * loss.backward();
 * w.grad();          // dL/dw = 2·(w·x)·x = [-8, -12]
 * }</pre>
 *
 * <h2>Values</h2>
 * Ops never modify their inputs; each returns a new tensor. {@link #reshape} returns a view that
 * shares values with its input. Only optimisers (and code that asks for {@link #data()}) change
 * values in place, and only those of leaves.
 *
 * <h2>Gradients</h2>
 * Ops record the graph when {@link GradMode} is on and at least one input requires a gradient.
 * See {@link Backward} for how gradients accumulate. Every node reached by a pass keeps its
 * gradient, intermediates included.
 *
 * <h2>Floating point</h2>
 * Values follow IEEE 754 as Java's {@code double} does: NaN and infinities propagate through ops
 * and are never replaced silently.
 *
 * <h2>Threads</h2>
 * A tensor is not synchronised. Graphs built and back-propagated on different threads are
 * independent as long as they share no node that requires a gradient; sharing read-only constants
 * is fine.
 */
public final class Tensor {
  // The values: the array, or for a rank-0 tensor made by scalar() or an op's scalar shortcut, the
  // double `value` until someone asks for the array with data(). From then on the array is the one
  // source of truth (optimisers and views write and read through it), so nothing reads `value`
  // without first finding `data` null; the engine reads through scalarValue(). A scalar node then
  // costs one object instead of two.
  private double[] data;
  private final double value;
  private final int[] shape;
  private String name;
  private boolean requiresGrad;
  // The gradient is held as a tensor, or (after a pass over a graph of scalars) as a plain double
  // until someone asks for the tensor: a scalar graph's nodes then cost no tensor each.
  private Tensor grad;
  private double scalarGrad;
  private boolean holdsScalarGrad;
  // The recording: null for leaves and constants. An op's first two inputs sit in fields (every
  // elementwise op has one or two, and a graph of scalars has nothing else, so its nodes need no
  // array); an op of more inputs keeps them all in `inputs` instead, and leaves in0 and in1 null.
  Op op;
  Tensor in0;
  Tensor in1;
  Tensor[] inputs;
  // When the op was recorded, counted up per recording and always above every input's: a backward
  // pass visits nodes from the highest down, which is a topological order by construction (and
  // PyTorch's order), so the pass needs no sort. 0 for leaves and constants. See nextSeq.
  long seq;
  // Written only by Backward's topological sort: which walk last visited this node (high 32 bits)
  // and the node's position in that walk's order (low 32 bits), where the engine keeps its scratch.
  long visit;

  private Tensor(double[] data, int[] shape) {
    this.data = data;
    this.value = 0.0; // unused: data is non-null from the start
    // Every rank-0 tensor shares one shape array, so the engine tells scalars by a pointer
    // comparison instead of reading each node's shape.
    this.shape = shape.length == 0 ? Shape.SCALAR : shape;
  }

  /** A rank-0 tensor whose value stays a field until {@link #data()} is asked for. */
  private Tensor(double value) {
    this.value = value;
    this.shape = Shape.SCALAR;
  }

  /** True for rank 0, without touching the shape array. */
  boolean isScalar() {
    return shape == Shape.SCALAR;
  }

  /**
   * The first value (the only one of a rank-0 tensor) without making the array {@link #data()}
   * would: what the engine and the scalar shortcut read.
   */
  double scalarValue() {
    double[] d = data;
    return d != null ? d[0] : value;
  }

  /** How many inputs the recorded op has; 0 for a leaf. */
  int arity() {
    return inputs != null ? inputs.length : in1 != null ? 2 : in0 != null ? 1 : 0;
  }

  /** The recorded op's inputs as an array, made for the caller (the tensor path and hooks want one). */
  Tensor[] inputArray() {
    if (inputs != null) {
      return inputs;
    }
    return in1 != null ? new Tensor[] {in0, in1} : in0 != null ? new Tensor[] {in0} : new Tensor[0];
  }

  // ---------------------------------------------------------------- creation

  /** A rank-0 tensor. */
  public static Tensor scalar(double value) {
    return new Tensor(value);
  }

  /** A rank-1 tensor holding a copy of {@code values}. */
  public static Tensor vector(double... values) {
    return new Tensor(values.clone(), new int[] {values.length});
  }

  /** A rank-2 tensor from rows, copied. All rows must have the same length. */
  public static Tensor of(double[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] data = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      checkArgument(rows[i].length == cols,
          "of: row %s has %s values but row 0 has %s; rows must all have the same length", i, rows[i].length, cols);
      System.arraycopy(rows[i], 0, data, i * cols, cols);
    }
    return new Tensor(data, new int[] {rows.length, cols});
  }

  /** A rank-3 tensor from matrices, copied. All must have the same shape. */
  public static Tensor of(double[][][] matrices) {
    Tensor[] parts = new Tensor[matrices.length];
    for (int i = 0; i < matrices.length; i++) {
      parts[i] = of(matrices[i]);
      checkArgument(Arrays.equals(parts[i].shape, parts[0].shape),
          "of: matrix %s has shape %s but matrix 0 has %s", i, Shape.format(parts[i].shape), Shape.format(parts[0].shape));
    }
    int[] inner = matrices.length == 0 ? new int[] {0, 0} : parts[0].shape;
    double[] data = new double[matrices.length * Shape.numel(inner)];
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i].data, 0, data, i * parts[i].data.length, parts[i].data.length);
    }
    return new Tensor(data, new int[] {matrices.length, inner[0], inner[1]});
  }

  /** A tensor of the given shape holding a copy of {@code values} in row-major order. */
  public static Tensor of(double[] values, int... shape) {
    return wrap(values.clone(), shape.clone());
  }

  /**
   * A tensor over {@code values} without copying: the tensor owns the array from now on. For
   * kernels, ops and loaders that have just produced the array.
   */
  public static Tensor wrap(double[] values, int... shape) {
    // Messages are built only on failure: wrap runs once per op, and formatting the shape eagerly
    // was a measurable share of a scalar graph's cost.
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Shape.format(shape) + " has a negative dimension");
      }
    }
    int n = Shape.numel(shape);
    if (values.length != n) {
      throw new IllegalArgumentException(values.length + " values do not fill shape "
          + Shape.format(shape) + ", which holds " + n);
    }
    return new Tensor(values, shape.length == 0 ? Shape.SCALAR : shape);
  }

  /** All zeros. */
  public static Tensor zeros(int... shape) {
    return wrap(new double[Shape.numel(shape)], shape.clone());
  }

  /** All ones. */
  public static Tensor ones(int... shape) {
    return full(1.0, shape);
  }

  /** Every element equal to {@code value}. */
  public static Tensor full(double value, int... shape) {
    double[] d = new double[Shape.numel(shape)];
    Arrays.fill(d, value);
    return wrap(d, shape.clone());
  }

  /** 0, 1, …, n-1. */
  public static Tensor arange(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i;
    }
    return wrap(d, n);
  }

  // ---------------------------------------------------------------- identity and flags

  /** Gives this node a name, shown in graphs, reports and error messages. Returns {@code this}. */
  public Tensor named(String name) {
    this.name = name;
    return this;
  }

  /** The name given with {@link #named}, or null. */
  public String name() {
    return name;
  }

  /** The name if there is one, otherwise the op that made it, for messages: {@code "W1"}, {@code "<matmul>"}. */
  public String label() {
    if (name != null) {
      return name;
    }
    if (op != null) {
      return "<" + op.name() + ">";
    }
    return rank() == 0 ? "<constant " + scalarValue() + ">" : "<unnamed " + Shape.format(shape) + ">";
  }

  /**
   * Marks this tensor as a leaf whose gradient is wanted. Returns {@code this}.
   *
   * @throws IllegalStateException if it was computed by an op: only leaves can be marked, because
   *     an intermediate already needs a gradient exactly when one of its inputs does
   */
  public Tensor requiresGrad() {
    if (op != null) {
      throw new IllegalStateException("requiresGrad: " + label() + " was computed by " + op.label()
          + "; only leaves can be marked. Mark its inputs, or detach() it first");
    }
    this.requiresGrad = true;
    return this;
  }

  /** True if backward passes compute a gradient for this node. */
  public boolean needsGrad() {
    return requiresGrad;
  }

  /** True if no op produced this tensor (a parameter, an input or a constant). */
  public boolean isLeaf() {
    return op == null;
  }

  /** The op that produced this node, or null for a leaf. */
  public Op op() {
    return op;
  }

  /** The inputs of the op that produced this node; empty for a leaf. */
  public List<Tensor> inputs() {
    // From the fields directly: graph readers call this once per node, and an array first would
    // double what they allocate.
    if (inputs != null) {
      return List.of(inputs);
    }
    return in1 != null ? List.of(in0, in1) : in0 != null ? List.of(in0) : List.of();
  }

  // ---------------------------------------------------------------- values

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The shape array itself, without a copy, for ops and kernels. Never modify it. */
  public int[] shapeRef() {
    return shape;
  }

  /** Number of axes; 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public int size() {
    double[] d = data;
    return d != null ? d.length : 1;
  }

  /** The value of a one-element tensor. */
  public double item() {
    if (size() != 1) {
      throw new IllegalStateException("item: " + label() + " has shape " + Shape.format(shape)
          + " with " + size() + " elements; item() needs exactly one");
    }
    return scalarValue();
  }

  /** The element at the given indices, one per axis. */
  public double get(int... index) {
    checkArgument(index.length == shape.length, "get: %s indices for %s of shape %s",
        index.length, label(), Shape.format(shape));
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      checkArgument(index[i] >= 0 && index[i] < shape[i],
          "get: index %s is out of range for axis %s of %s, shape %s", index[i], i, label(), Shape.format(shape));
      flat = flat * shape[i] + index[i];
    }
    return flat == 0 ? scalarValue() : data[flat];
  }

  /** A copy of the values in row-major order. */
  public double[] toArray() {
    double[] d = data;
    return d != null ? d.clone() : new double[] {value};
  }

  /**
   * The live value array, row-major, without a copy. Changing it changes this tensor (and any
   * {@link #reshape} view of it): meant for optimisers updating parameters and for kernels.
   *
   * <p>A scalar made by {@link #scalar} or by an op on scalars holds its value in a field until
   * the first call, which makes the array; it is the same array from then on. Two threads asking
   * at once for the array of a shared constant may each make one; both hold the same value, and
   * whichever is stored last is the one later calls return.
   */
  public double[] data() {
    double[] d = data;
    if (d == null) {
      d = new double[] {value};
      // The array's element before the reference: another thread that sees the array sees its value.
      VarHandle.storeStoreFence();
      data = d;
    }
    return d;
  }

  // ---------------------------------------------------------------- gradients

  /**
   * dL/d(this) accumulated by backward passes, of this tensor's shape.
   *
   * @throws IllegalStateException if this tensor does not require a gradient, or no pass reached it
   */
  public Tensor grad() {
    if (holdsScalarGrad) {
      grad = scalar(scalarGrad);
      holdsScalarGrad = false;
    }
    if (grad == null) {
      if (!requiresGrad) {
        throw new IllegalStateException("grad: " + label() + " does not require a gradient; call "
            + "requiresGrad() on it (or on a leaf it depends on) before building the graph");
      }
      throw new IllegalStateException("grad: the gradient of " + label() + " has not been computed; "
          + "call backward() on an output that depends on it");
    }
    return grad;
  }

  /** True if a backward pass has stored a gradient here since the last {@link #zeroGrad()}. */
  public boolean hasGrad() {
    return grad != null || holdsScalarGrad;
  }

  /** Forgets this node's gradient, so the next pass starts from zero. */
  public void zeroGrad() {
    grad = null;
    holdsScalarGrad = false;
  }

  /** Forgets the gradient of this node and every node it depends on. */
  public void zeroGradGraph() {
    if (!requiresGrad) {
      return;
    }
    for (Tensor t : Backward.topologicalOrder(this)) {
      t.zeroGrad();
    }
  }

  /**
   * Adds a pass's gradient to this node's. {@code keepAsIs} when g is a graph node that must stay
   * one (createGraph), or a sum the pass made that nothing else holds, so it needs no copy.
   */
  void accumulateGrad(Tensor g, boolean keepAsIs) {
    if (holdsScalarGrad) {
      grad(); // a pass over scalars left a double: continue from its tensor
    }
    if (grad == null) {
      // A leaf's gradient is handed to optimisers, which may change it in place (clipping); copy it
      // so no other node's gradient that happens to be the same tensor changes with it.
      grad = op == null && !keepAsIs ? g.copy() : g;
    } else {
      grad = grad.add(g);
    }
  }

  /** {@link #accumulateGrad} for a rank-0 node in a pass over scalars: the same sum, in a double. */
  void accumulateScalarGrad(double g) {
    if (holdsScalarGrad) {
      scalarGrad += g;
    } else if (grad == null) {
      scalarGrad = g;
      holdsScalarGrad = true;
    } else {
      // Not in place: a tensor handed out by grad() keeps its value, as with the tensor path's add.
      grad = scalar(grad.scalarValue() + g);
    }
  }

  /** True if the two are one tensor or share one value array (a view, such as reshape's). */
  boolean sharesValuesWith(Tensor other) {
    return this == other || (data != null && data == other.data);
  }

  /** Sets the gradient back to {@code g}, as {@link #grad()} returned it before a pass gave up. */
  void restoreGrad(Tensor g) {
    grad = g;
    holdsScalarGrad = false;
  }

  /** Back-propagates from this scalar: after it, every node it depends on holds dL/d(node). */
  public void backward() {
    Backward.from(this).run();
  }

  /** Back-propagates from a non-scalar output, given dL/d(this) of this tensor's shape. */
  public void backward(Tensor seed) {
    Backward.from(this).seed(seed).run();
  }

  /** The same values, cut from the graph: a leaf that does not require a gradient. */
  public Tensor detach() {
    Tensor t = new Tensor(data(), shape); // the same array, so a change through one shows in both
    t.name = name;
    return t;
  }

  /** A fresh leaf with a copy of the values. */
  public Tensor copy() {
    double[] d = data;
    return d != null ? new Tensor(d.clone(), shape) : new Tensor(value);
  }

  /** Turns graph recording off on this thread until the scope is closed. */
  public static GradMode.Scope noGrad() {
    return GradMode.disabled();
  }

  /**
   * Runs {@code op} on {@code inputs} and, when grad mode is on and any input requires a gradient,
   * records the op so that backward passes reach the inputs. The one entry point all ops go through.
   * While an {@link OpHook} is installed (anomaly mode), it sees every result.
   *
   * <p>Rank-0 inputs of an op with {@link Op#hasScalarRules scalar rules} take a shortcut: the value
   * is {@link Op#scalarForward}, the same bits {@code forward} gives, without its shape checks and
   * dispatch. A micrograd-style graph is nothing but these, and there the general path's cost is
   * all overhead.
   */
  public static Tensor apply(Op op, Tensor... inputs) {
    OpHook hook = OpHook.installed();
    Tensor out;
    if (hook == null && op.hasScalarRules() && allScalars(inputs)) {
      double b = inputs.length > 1 ? inputs[1].scalarValue() : 0.0;
      out = new Tensor(op.scalarForward(inputs[0].scalarValue(), b));
    } else {
      out = op.forward(inputs);
      if (hook != null) {
        hook.afterForward(op, inputs, out);
      }
    }
    // Inputs first, grad mode second: the flag test is a field read, the mode a thread-local
    // lookup, and in a backward pass (mode off) most inputs are constants anyway.
    for (Tensor in : inputs) {
      if (in.requiresGrad) {
        if (GradMode.isEnabled()) {
          out.record(op, inputs);
        }
        break;
      }
    }
    return out;
  }

  /**
   * {@link #apply(Op, Tensor...)} for one input. The same result; on rank-0 input with scalar
   * rules it makes no inputs array, which escape analysis removed on JDK 17 but not always on
   * JDK 25 (24 bytes per node of micrograd's demo).
   */
  public static Tensor apply(Op op, Tensor x) {
    if (x.isScalar() && op.hasScalarRules() && OpHook.installed() == null) {
      Tensor out = new Tensor(op.scalarForward(x.scalarValue(), 0.0));
      if (x.requiresGrad && GradMode.isEnabled()) {
        out.op = op;
        out.in0 = x;
        out.requiresGrad = true;
        out.seq = nextSeq(x.seq);
      }
      return out;
    }
    return apply(op, new Tensor[] {x});
  }

  /** {@link #apply(Op, Tensor...)} for two inputs, as {@link #apply(Op, Tensor)} is for one. */
  public static Tensor apply(Op op, Tensor a, Tensor b) {
    if (a.isScalar() && b.isScalar() && op.hasScalarRules() && OpHook.installed() == null) {
      Tensor out = new Tensor(op.scalarForward(a.scalarValue(), b.scalarValue()));
      if ((a.requiresGrad || b.requiresGrad) && GradMode.isEnabled()) {
        out.op = op;
        out.in0 = a;
        out.in1 = b;
        out.requiresGrad = true;
        out.seq = nextSeq(Math.max(a.seq, b.seq));
      }
      return out;
    }
    return apply(op, new Tensor[] {a, b});
  }

  private static boolean allScalars(Tensor[] inputs) {
    for (Tensor in : inputs) {
      if (!in.isScalar()) {
        return false;
      }
    }
    return true;
  }

  private void record(Op op, Tensor[] inputs) {
    this.op = op;
    long latest = 0;
    for (Tensor in : inputs) {
      latest = Math.max(latest, in.seq);
    }
    if (inputs.length <= 2) {
      this.in0 = inputs[0];
      this.in1 = inputs.length > 1 ? inputs[1] : null;
    } else {
      this.inputs = inputs;
    }
    this.requiresGrad = true;
    this.seq = nextSeq(latest);
  }

  // The next recording's number. A plain static: a thread-local lookup per op was a visible share
  // of a scalar graph's build (see GradMode), and an atomic would add a locked instruction to every
  // recording, while neither is needed for correct gradients. Threads recording at once may race
  // and hand two nodes the same number; nextSeq still puts every node above its inputs, so the
  // order stays topological, and the pass notices a tie within one graph and sorts that graph.
  private static long lastSeq;

  /** A number above {@code latestInput} (the highest input's) and above every earlier recording's. */
  private static long nextSeq(long latestInput) {
    long seq = Math.max(lastSeq, latestInput) + 1;
    lastSeq = seq;
    return seq;
  }

  // ---------------------------------------------------------------- arithmetic (broadcasting)

  public Tensor add(Tensor other) {
    return apply(Arithmetic.ADD, this, other);
  }

  public Tensor add(double c) {
    return add(scalar(c));
  }

  public Tensor sub(Tensor other) {
    return apply(Arithmetic.SUB, this, other);
  }

  public Tensor sub(double c) {
    return sub(scalar(c));
  }

  public Tensor mul(Tensor other) {
    return apply(Arithmetic.MUL, this, other);
  }

  public Tensor mul(double c) {
    return mul(scalar(c));
  }

  public Tensor div(Tensor other) {
    return apply(Arithmetic.DIV, this, other);
  }

  public Tensor div(double c) {
    return div(scalar(c));
  }

  /** Elementwise max(this, other); at ties each side gets half the gradient, as in PyTorch. */
  public Tensor maximum(Tensor other) {
    return apply(Arithmetic.MAXIMUM, this, other);
  }

  public Tensor maximum(double c) {
    return maximum(scalar(c));
  }

  /** Elementwise min(this, other); at ties each side gets half the gradient, as in PyTorch. */
  public Tensor minimum(Tensor other) {
    return apply(Arithmetic.MINIMUM, this, other);
  }

  public Tensor minimum(double c) {
    return minimum(scalar(c));
  }

  // ---------------------------------------------------------------- elementwise functions

  public Tensor neg() {
    return apply(Functions.NEG, this);
  }

  /** this^p for a constant exponent. */
  public Tensor pow(double p) {
    return apply(Functions.pow(p), this);
  }

  public Tensor square() {
    return apply(Functions.SQUARE, this);
  }

  public Tensor sqrt() {
    return apply(Functions.SQRT, this);
  }

  public Tensor exp() {
    return apply(Functions.EXP, this);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return apply(Functions.LOG, this);
  }

  /** |x|; its derivative at 0 is taken as 0, as in PyTorch. */
  public Tensor abs() {
    return apply(Functions.ABS, this);
  }

  /** max(x, 0); its derivative at 0 is taken as 0, as in PyTorch. */
  public Tensor relu() {
    return apply(Functions.RELU, this);
  }

  /** x for x &gt; 0, alpha·x otherwise. */
  public Tensor leakyRelu(double alpha) {
    return apply(Functions.leakyRelu(alpha), this);
  }

  public Tensor sigmoid() {
    return apply(Functions.SIGMOID, this);
  }

  public Tensor tanh() {
    return apply(Functions.TANH, this);
  }

  public Tensor sin() {
    return apply(Functions.SIN, this);
  }

  public Tensor cos() {
    return apply(Functions.COS, this);
  }

  /** log(1 + e^x), stable for large |x|. */
  public Tensor softplus() {
    return apply(Functions.SOFTPLUS, this);
  }

  /** Limits values to [lo, hi]; the gradient passes where lo ≤ x ≤ hi, as in PyTorch. */
  public Tensor clamp(double lo, double hi) {
    return apply(Functions.clamp(lo, hi), this);
  }

  // ---------------------------------------------------------------- linear algebra and shape

  /**
   * Matrix product with NumPy's rules: 1-D·1-D is a dot product, 2-D·1-D and 1-D·2-D are
   * matrix-vector products, 2-D·2-D a matrix product, and a 3-D operand makes it batched (the other
   * may be 2-D, and is then shared across the batch).
   */
  public Tensor matmul(Tensor other) {
    return apply(MatMul.of(this, other), this, other);
  }

  /** Swaps the last two axes; a 0-D or 1-D tensor is returned as it is. */
  public Tensor transpose() {
    return rank() < 2 ? this : transpose(rank() - 2, rank() - 1);
  }

  /** Swaps two axes. */
  public Tensor transpose(int axis0, int axis1) {
    return apply(Shaping.transpose(this, axis0, axis1), this);
  }

  /** The same values under a new shape with as many elements; one dimension may be -1 (inferred). */
  public Tensor reshape(int... newShape) {
    return apply(Shaping.reshape(this, newShape), this);
  }

  /** Broadcasts to a larger shape (NumPy's broadcast_to); the gradient sums over the copies. */
  public Tensor expand(int... target) {
    if (Arrays.equals(shape, target)) {
      return this;
    }
    return apply(Shaping.expand(this, target), this);
  }

  /** Sums over broadcast axes down to {@code target}, the reverse of {@link #expand}. */
  public Tensor sumTo(int... target) {
    if (Arrays.equals(shape, target)) {
      return this;
    }
    return apply(Shaping.sumTo(this, target), this);
  }

  /** Joins tensors along an existing axis; all other dimensions must agree. */
  public static Tensor concat(int axis, Tensor... parts) {
    return apply(Indexing.concat(axis, parts), parts);
  }

  /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
  public Tensor slice(int axis, int start, int end) {
    return apply(Indexing.slice(this, axis, start, end), this);
  }

  /**
   * Picks whole slices along {@code axis} by index, repeats allowed (NumPy's take with an axis):
   * {@code x.index(0, 2, 0)} on a matrix gives rows 2 and 0.
   */
  public Tensor index(int axis, int... indices) {
    return apply(Indexing.indexSelect(this, axis, indices), this);
  }

  /**
   * Picks one element along {@code axis} for every position of the other axes, removing that axis:
   * for logits of shape [N, C] and labels of length N, {@code logp.gather(1, labels)} has shape
   * [N] and holds logp[i, labels[i]]. This is what cross-entropy over class labels needs.
   */
  public Tensor gather(int axis, int... indices) {
    return apply(Indexing.gather(this, axis, indices), this);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements, as a scalar. */
  public Tensor sum() {
    return apply(Reductions.SUM_ALL, this);
  }

  /** Sum along one axis, removing it. */
  public Tensor sum(int axis) {
    return sum(axis, false);
  }

  /** Sum along one axis, keeping it with size 1 when {@code keepDims}. */
  public Tensor sum(int axis, boolean keepDims) {
    return apply(Reductions.sum(this, axis, keepDims), this);
  }

  /** Mean of all elements, as a scalar. */
  public Tensor mean() {
    return apply(Reductions.MEAN_ALL, this);
  }

  /** Mean along one axis, removing it. */
  public Tensor mean(int axis) {
    return mean(axis, false);
  }

  /** Mean along one axis, keeping it with size 1 when {@code keepDims}. */
  public Tensor mean(int axis, boolean keepDims) {
    return apply(Reductions.mean(this, axis, keepDims), this);
  }

  /** Maximum along one axis; the gradient goes to the first maximal element, as in PyTorch. */
  public Tensor max(int axis) {
    return max(axis, false);
  }

  public Tensor max(int axis, boolean keepDims) {
    return apply(Reductions.max(this, axis, keepDims), this);
  }

  /** Softmax along {@code axis}, computed after subtracting the maximum so it never overflows. */
  public Tensor softmax(int axis) {
    return apply(Reductions.softmax(this, axis), this);
  }

  /** log(softmax) along {@code axis}, as x - max - log Σ exp(x - max): finite for any finite input. */
  public Tensor logSoftmax(int axis) {
    return apply(Reductions.logSoftmax(this, axis), this);
  }

  // ---------------------------------------------------------------- printing

  /**
   * One line for people (jshell, debuggers, logs): name, shape, the op that made it (or {@code
   * requiresGrad} for a parameter leaf), the value, and the gradient once a backward pass stored
   * one: {@code Tensor s2 [1] add = [1.12814]  grad [-0.0451656]}. Tensors of more than {@value
   * #PRINTED_VALUES} values show {@code {min, mean, max, norm}} instead of every value, so a printed
   * tensor never runs to pages.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor ");
    if (name != null) {
      sb.append(name).append(' ');
    }
    sb.append(Shape.format(shape));
    if (op != null) {
      sb.append(' ').append(op.label());
    } else if (requiresGrad) {
      sb.append(" requiresGrad");
    }
    sb.append(" = ").append(Format.values(toArrayView(), shape, PRINTED_VALUES));
    if (holdsScalarGrad) {
      // The scalar path keeps a rank-0 gradient as a double until someone asks for the tensor.
      sb.append("  grad ").append(Format.number(scalarGrad));
    } else if (grad != null) {
      sb.append("  grad ").append(Format.values(grad.toArrayView(), grad.shape, PRINTED_VALUES));
    }
    return sb.toString();
  }

  /** The values for reading, without making {@link #data()}'s array: printing changes nothing. */
  private double[] toArrayView() {
    double[] d = data;
    return d != null ? d : new double[] {value};
  }

  /** Up to this many values {@link #toString} prints one by one; more are summarised. */
  private static final int PRINTED_VALUES = 64;
}
