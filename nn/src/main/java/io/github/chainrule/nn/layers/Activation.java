package io.github.chainrule.nn.layers;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.autodiff.ops.Arithmetic;
import io.github.chainrule.autodiff.ops.OpTable;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** A parameter-free elementwise module: ReLU, LeakyReLU, Sigmoid, Tanh or Identity. */
public final class Activation extends Module {
  private final String name;
  private final UnaryOperator<Tensor> f;
  private final Op withBias;

  private Activation(String name, UnaryOperator<Tensor> f) {
    this(name, f, null);
  }

  private Activation(String name, UnaryOperator<Tensor> f, Op withBias) {
    this.name = name;
    this.f = f;
    this.withBias = withBias;
  }

  public static Activation relu() {
    return new Activation("ReLU", Tensor::relu, Arithmetic.ADD_RELU);
  }

  public static Activation leakyRelu(double negativeSlope) {
    return new Activation("LeakyReLU(" + Format.number(negativeSlope) + ")", x -> x.leakyRelu(negativeSlope));
  }

  /** PyTorch's default negative slope, 0.01. */
  public static Activation leakyRelu() {
    return leakyRelu(0.01);
  }

  public static Activation sigmoid() {
    return new Activation("Sigmoid", Tensor::sigmoid);
  }

  public static Activation tanh() {
    return new Activation("Tanh", Tensor::tanh);
  }

  public static Activation identity() {
    return new Activation("Identity", x -> x);
  }

  /**
   * The activation called {@code name}, case-insensitive: identity (also linear, none), leakyrelu
   * (also leaky_relu, with PyTorch's slope 0.01), or any elementwise function of one tensor in
   * chainrule's op table (relu, sigmoid, tanh, softplus, …), shown by PyTorch's class name where
   * one of the factories above has it.
   */
  public static Activation named(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    switch (key) {
      case "identity": case "linear": case "none": return identity();
      case "leakyrelu": case "leaky_relu": return leakyRelu();
      default:
        break;
    }
    List<OpTable.Entry> functions = OpTable.entries().stream()
        .filter(e -> e.elementwise() && e.arity() == 1 && e.plain())
        .toList();
    for (OpTable.Entry e : functions) {
      if (e.name().toLowerCase(Locale.ROOT).equals(key)) {
        Activation a = new Activation(e.name(), x -> e.apply(new Tensor[] {x}));
        return switch (key) {
          case "relu" -> relu();
          case "sigmoid" -> sigmoid();
          case "tanh" -> tanh();
          default -> a;
        };
      }
    }
    throw new IllegalArgumentException("activation '" + name + "' is unknown; use identity, leakyrelu or one of "
        + functions.stream().map(OpTable.Entry::name).collect(Collectors.joining(", ")));
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
