package io.github.chainrule.nn.layers;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Module;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise module: ReLU, LeakyReLU, Sigmoid, Tanh or Identity. */
public final class Activation extends Module {
  private final String name;
  private final UnaryOperator<Tensor> f;

  private Activation(String name, UnaryOperator<Tensor> f) {
    this.name = name;
    this.f = f;
  }

  public static Activation relu() {
    return new Activation("ReLU", Tensor::relu);
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

  /** The activation called {@code name}, case-insensitive: relu, leakyrelu, sigmoid, tanh, identity. */
  public static Activation named(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "relu": return relu();
      case "leakyrelu": case "leaky_relu": return leakyRelu();
      case "sigmoid": return sigmoid();
      case "tanh": return tanh();
      case "identity": case "linear": case "none": return identity();
      default:
        throw new IllegalArgumentException("activation '" + name
            + "' is unknown; use relu, leakyrelu, sigmoid, tanh or identity");
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    return f.apply(x);
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
