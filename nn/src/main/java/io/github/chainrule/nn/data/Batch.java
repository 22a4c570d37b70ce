package io.github.chainrule.nn.data;

import io.github.chainrule.autodiff.Tensor;

/**
 * One mini-batch: inputs [B, F], targets [B, T] and the dataset rows they came from.
 *
 * @param index position of this batch within its epoch, from 0
 * @param rows dataset row of each batch row
 */
public record Batch(int index, Tensor inputs, Tensor targets, int[] rows) {
  public int size() {
    return rows.length;
  }
}
