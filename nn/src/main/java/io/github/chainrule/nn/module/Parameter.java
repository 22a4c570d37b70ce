package io.github.chainrule.nn.module;

import io.github.chainrule.autodiff.Tensor;

/**
 * A trainable tensor of a {@link Module} with its full hierarchical name ({@code "0.weight"},
 * {@code "hidden.bias"}). The tensor is the live leaf the model computes with: optimisers update
 * its {@link Tensor#data()} in place.
 */
public final class Parameter {
  private final String name;
  private final Tensor tensor;

  Parameter(String name, Tensor tensor) {
    this.name = name;
    this.tensor = tensor;
  }

  /** The full name from the root module, as used by state dictionaries and weight files. */
  public String name() {
    return name;
  }

  /** The live leaf tensor. */
  public Tensor tensor() {
    return tensor;
  }

  /** The live value array, row-major (same as {@code tensor().data()}). */
  public double[] data() {
    return tensor.data();
  }

  public int[] shape() {
    return tensor.shape();
  }

  public int size() {
    return tensor.size();
  }

  /** True if a backward pass has left a gradient on this parameter. */
  public boolean hasGrad() {
    return tensor.hasGrad();
  }

  /** The accumulated gradient; see {@link Tensor#grad()}. */
  public Tensor grad() {
    return tensor.grad();
  }

  @Override
  public String toString() {
    return name + " " + tensor;
  }
}
