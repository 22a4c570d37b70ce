package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import java.util.List;

/**
 * An op declared in one place from its parts: name and label, forward, backward in tensor ops, and
 * where it has them, its kinks and its scalar rules. Every op chainrule ships, apart from {@link
 * MatMul}, is one of these; the factories in this package read as the op's definition.
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

  private Unit(String name, String label, int arity, Forward forward, Vjp vjp, Kinks kinks,
      ScalarForward scalarForward, ScalarVjp scalarVjp) {
    this.name = name;
    this.label = label;
    this.arity = arity;
    this.forward = forward;
    this.vjp = vjp;
    this.kinks = kinks;
    this.scalarForward = scalarForward;
    this.scalarVjp = scalarVjp;
  }

  /** A smooth op without scalar rules, taking any number of inputs. */
  public static Unit of(String name, String label, Forward forward, Vjp vjp) {
    return new Unit(name, label, -1, forward, vjp, null, null, null);
  }

  /** The same op with its kinks. */
  public Unit withKinks(Kinks kinks) {
    return new Unit(name, label, arity, forward, vjp, kinks, scalarForward, scalarVjp);
  }

  /** The same op, taking {@code arity} (1 or 2) inputs, with scalar rules. */
  public Unit withScalarRules(int arity, ScalarForward forward, ScalarVjp vjp) {
    return new Unit(name, label, arity, this.forward, this.vjp, kinks, forward, vjp);
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
