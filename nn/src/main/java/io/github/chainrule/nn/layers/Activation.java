package io.github.chainrule.nn.layers;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.ops.Functions;
import io.github.chainrule.autodiff.ops.OpTable;
import io.github.chainrule.autodiff.ops.Unit;
import io.github.chainrule.nn.module.Module;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A parameter-free elementwise module: one op of chainrule's op table (ReLU, LeakyReLU, Sigmoid,
 * Tanh, …), or Identity. What it shows and whether it fuses with a layer's bias are the op's own
 * facts ({@link Unit#moduleName}, {@link Unit#fusedWithBias}); nothing here knows a particular op.
 */
public final class Activation extends Module {
  private static final Set<String> IDENTITY = Set.of("identity", "linear", "none");

  private final String name;
  private final UnaryOperator<Tensor> f;
  private final Op withBias;

  private Activation(String name, UnaryOperator<Tensor> f, Op withBias) {
    this.name = name;
    this.f = f;
    this.withBias = withBias;
  }

  /** The module applying {@code op}, shown by PyTorch's module name where the op states one. */
  private static Activation of(Unit op) {
    return new Activation(op.moduleName() != null ? op.moduleName() : op.name(), x -> Tensor.apply(op, x),
        op.fusedWithBias());
  }

  public static Activation relu() {
    return of(Functions.RELU);
  }

  public static Activation leakyRelu(double negativeSlope) {
    return of(Functions.leakyRelu(negativeSlope));
  }

  /** PyTorch's default negative slope, 0.01. */
  public static Activation leakyRelu() {
    return leakyRelu(0.01);
  }

  public static Activation sigmoid() {
    return of(Functions.SIGMOID);
  }

  public static Activation tanh() {
    return of(Functions.TANH);
  }

  public static Activation identity() {
    return new Activation("Identity", x -> x, null);
  }

  /**
   * The activation called {@code name}, case-insensitive: identity (also linear, none), or any
   * elementwise function of one tensor in chainrule's op table, by its name or, for a camel-case
   * name, in snake case (relu, sigmoid, tanh, softplus, …; leakyrelu or leaky_relu); an op with
   * parameters only if its row {@link OpTable.Entry#defaults defaults} them (leakyRelu: PyTorch's
   * slope 0.01).
   *
   * @throws IllegalArgumentException listing the names there are, if {@code name} is none of them
   */
  public static Activation named(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    if (IDENTITY.contains(key)) {
      return identity();
    }
    List<OpTable.Entry> rows = OpTable.entries().stream()
        .filter(e -> e.elementwise() && e.arity() == 1 && e.defaults() != null)
        .toList();
    for (OpTable.Entry e : rows) {
      if (key.equals(e.name().toLowerCase(Locale.ROOT)) || key.equals(snakeCase(e.name()))) {
        return of((Unit) e.op(e.defaults()));
      }
    }
    Stream<String> withDefaults = rows.stream().filter(e -> !e.plain()).map(e -> e.name().toLowerCase(Locale.ROOT));
    throw new IllegalArgumentException("activation '" + name + "' is unknown; use "
        + Stream.concat(Stream.of("identity"), withDefaults).collect(Collectors.joining(", "))
        + " or one of " + rows.stream().filter(OpTable.Entry::plain).map(OpTable.Entry::name)
            .collect(Collectors.joining(", ")));
  }

  /** {@code leakyRelu} → {@code leaky_relu}. */
  private static String snakeCase(String camelCase) {
    return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  @Override
  public Tensor forward(Tensor x) {
    return f.apply(x);
  }

  /**
   * The op computing this activation of (x + bias) as one node, taking x and the bias, or null if
   * there is none: what {@link Linear#forward(Tensor, Activation)} uses.
   */
  public Op fusedWithBias() {
    return withBias;
  }

  /** {@code "ReLU"}, {@code "LeakyReLU(0.01)"}, … */
  public String kind() {
    return name;
  }

  @Override
  public String toString() {
    return name + "()";
  }
}
