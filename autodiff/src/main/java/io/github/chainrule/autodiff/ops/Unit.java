package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * An op declared in one place from its parts: name and label, forward, backward in tensor ops, and
 * where it has them, its kinks, its scalar rules, and for nn's activations PyTorch's module name and
 * a form fused with a bias. Every op chainrule ships, apart from {@link MatMul}, is one of these; the
 * factories in this package read as the op's definition.
 *
 * <pre>{@code
 * Unit.of("sum", "sum(axis=" + a + ")",
 *     in -> sumAlong(in[0], a),
 *     (in, y, g) -> new Tensor[] {g.reshape(kept).expand(in[0].shapeRef())});
 * }</pre>
 */
public final class Unit extends Op {

  /** The output from the inputs' values. */
  @FunctionalInterface
  public interface Forward {
    Tensor apply(Tensor[] in);
  }

  /** dL/d(each input) from the inputs, the output y and dL/dy, in differentiable tensor ops. */
  @FunctionalInterface
  public interface Vjp {
    Tensor[] apply(Tensor[] in, Tensor y, Tensor g);
  }

  /**
   * The forward pass into a given array of the output's size, every element of which it overwrites:
   * the {@link #forwardInto} form of elementwise ops.
   */
  @FunctionalInterface
  public interface ForwardInto {
    void apply(Tensor[] in, int[] shape, double[] out);
  }

  /** The output's shape for these inputs, checked as the forward pass checks it. */
  @FunctionalInterface
  public interface ShapeRule {
    int[] of(Tensor[] in);
  }

  /** The kinks at the recorded inputs, as {@link Op#kinks} describes them. */
  @FunctionalInterface
  public interface Kinks {
    List<Kink> at(Tensor[] in, Tensor y);
  }

  /** The output for rank-0 inputs of values a and b. */
  @FunctionalInterface
  public interface ScalarForward {
    double apply(double a, double b);
  }

  /** dL/d(input {@code input}) for rank-0 inputs, in doubles. */
  @FunctionalInterface
  public interface ScalarVjp {
    double apply(int input, double a, double b, double y, double g);
  }

  private final String name;
  private final String label;
  private final int arity;
  private final Forward forward;
  private final Vjp vjp;
  private final Kinks kinks;
  private final ScalarForward scalarForward;
  private final ScalarVjp scalarVjp;
  private final ShapeRule shapeRule;
  private final ForwardInto into;
  private final String moduleName;
  private final Op fusedWithBias;

  private Unit(String name, String label, int arity, Forward forward, Vjp vjp, Kinks kinks,
      ScalarForward scalarForward, ScalarVjp scalarVjp, ShapeRule shapeRule, ForwardInto into,
      String moduleName, Op fusedWithBias) {
    this.name = name;
    this.label = label;
    this.arity = arity;
    this.forward = forward;
    this.vjp = vjp;
    this.kinks = kinks;
    this.scalarForward = scalarForward;
    this.scalarVjp = scalarVjp;
    this.shapeRule = shapeRule;
    this.into = into;
    this.moduleName = moduleName;
    this.fusedWithBias = fusedWithBias;
  }

  /** A smooth op without scalar rules, taking any number of inputs. */
  public static Unit of(String name, String label, Forward forward, Vjp vjp) {
    return new Unit(name, label, -1, forward, vjp, null, null, null, null, null, null, null);
  }

  /** The same op with its kinks. */
  public Unit withKinks(Kinks kinks) {
    return new Unit(name, label, arity, forward, vjp, kinks, scalarForward, scalarVjp, shapeRule, into,
        moduleName, fusedWithBias);
  }

  /** The same op, taking {@code arity} (1 or 2) inputs, with scalar rules. */
  public Unit withScalarRules(int arity, ScalarForward forward, ScalarVjp vjp) {
    return new Unit(name, label, arity, this.forward, this.vjp, kinks, forward, vjp, shapeRule, into,
        moduleName, fusedWithBias);
  }

  /** The same op with an out= form: the output's shape rule and a forward pass into a given array. */
  public Unit withForwardInto(ShapeRule shapeRule, ForwardInto into) {
    return new Unit(name, label, arity, forward, vjp, kinks, scalarForward, scalarVjp, shapeRule, into,
        moduleName, fusedWithBias);
  }

  /**
   * The same op as an nn activation shows it: PyTorch's name for the module that applies it
   * ({@code "ReLU"} for {@code torch.nn.ReLU}), with the op's parameters where it has them ({@code
   * "LeakyReLU(0.01)"}). Only for ops PyTorch has a module for; the others show their own name.
   */
  public Unit withModuleName(String moduleName) {
    return new Unit(name, label, arity, forward, vjp, kinks, scalarForward, scalarVjp, shapeRule, into,
        moduleName, fusedWithBias);
  }

  /**
   * The same op with its form fused with a bias: one op taking a and b that gives this op of (a + b),
   * the same bits as the two ops one after the other, in one pass over memory. nn's layers use it
   * for a bias followed by this activation.
   */
  public Unit withFusedBias(Op fusedWithBias) {
    return new Unit(name, label, arity, forward, vjp, kinks, scalarForward, scalarVjp, shapeRule, into,
        moduleName, fusedWithBias);
  }

  /** Whether the op has an out= form ({@link #forwardInto}): the elementwise ops do. */
  public boolean hasForwardInto() {
    return into != null;
  }

  /**
   * The op's value written into {@code out}, which it returns: PyTorch's {@code out=}, for loops
   * that own their buffers and would otherwise pay for a fresh, zeroed array per call (at 1M
   * doubles that is a third of an add's time). The values are the same bits {@link #forward}
   * gives. No graph is recorded, so it refuses inputs that need a gradient while grad mode is on,
   * as PyTorch does; under {@link Tensor#noGrad()} any input is fine.
   *
   * <p>{@code out} must not need a gradient and must have the output's shape. It may be an input,
   * or a view of one, of the same size: such inputs are read in the output's order, so in place is
   * safe. Its array is overwritten, so its {@link Tensor#reshape} views
   * change too, and so would any graph that still needs its old values for a backward pass.
   *
   * @throws IllegalArgumentException naming the op, the shapes and the nodes, if any of that fails
   * @throws UnsupportedOperationException if the op has no out= form
   */
  public Tensor forwardInto(Tensor out, Tensor... in) {
    if (into == null) {
      throw new UnsupportedOperationException(label + ": has no out= form; the elementwise ops have one");
    }
    if (arity >= 0 && in.length != arity) {
      throw new IllegalArgumentException(label + " into " + out.label() + ": takes " + arity
          + " inputs, got " + in.length);
    }
    if (out.needsGrad()) {
      throw new IllegalArgumentException(label + " into " + out.label() + ": the output requires a "
          + "gradient; out= writes values only, into a tensor outside any graph");
    }
    boolean recording = GradMode.isEnabled();
    int[] shape = shapeRule.of(in);
    for (Tensor t : in) {
      if (recording && t.needsGrad()) {
        throw new IllegalArgumentException(label + " into " + out.label() + ": input " + t.label()
            + " requires a gradient and out= records no graph; run it under Tensor.noGrad() or on "
            + "detached inputs");
      }
    }
    if (!Arrays.equals(shape, out.shapeRef())) {
      throw new IllegalArgumentException(label + " into " + out.label() + ": the output has shape "
          + Shape.format(out.shapeRef()) + " but " + label + " of " + shapes(in) + " has shape "
          + Shape.format(shape));
    }
    into.apply(in, shape, out.data());
    return out;
  }

  private static String shapes(Tensor[] in) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < in.length; i++) {
      sb.append(i == 0 ? "" : " and ").append(in[i].label()).append(' ').append(Shape.format(in[i].shapeRef()));
    }
    return sb.toString();
  }

  /** PyTorch's name for the module that applies this op, as {@link #withModuleName} gave it, or null. */
  public String moduleName() {
    return moduleName;
  }

  /** The op giving this op of (a + bias) as one node, as {@link #withFusedBias} gave it, or null. */
  public Op fusedWithBias() {
    return fusedWithBias;
  }

  /** How many inputs the op takes, or -1 for any number. */
  public int arity() {
    return arity;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public Tensor forward(Tensor... in) {
    return forward.apply(in);
  }

  @Override
  public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
    return vjp.apply(in, y, g);
  }

  @Override
  public boolean hasScalarRules() {
    return scalarVjp != null;
  }

  @Override
  public double scalarForward(double a, double b) {
    if (scalarForward == null) {
      return super.scalarForward(a, b);
    }
    return scalarForward.apply(a, b);
  }

  @Override
  public double scalarVjp(int input, double a, double b, double y, double g) {
    if (scalarVjp == null) {
      return super.scalarVjp(input, a, b, y, g);
    }
    return scalarVjp.apply(input, a, b, y, g);
  }

  @Override
  public List<Kink> kinks(Tensor[] in, Tensor y) {
    return kinks == null ? List.of() : kinks.at(in, y);
  }
}
