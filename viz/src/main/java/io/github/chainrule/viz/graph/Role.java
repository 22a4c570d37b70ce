package io.github.chainrule.viz.graph;

/** What a node is for the person reading the graph; graphs and reports draw each role differently. */
public enum Role {
  /** A leaf that needs no gradient and has a name: data fed into the graph. */
  INPUT("input"),
  /** A leaf that requires a gradient: what training changes. */
  PARAMETER("parameter"),
  /**
   * A leaf that needs no gradient and has no name, such as the {@code 1.0} in {@code o.sub(1.0)}.
   * Name a tensor to have it shown as an input instead.
   */
  CONSTANT("constant"),
  /** A node computed by an op, other than the output. */
  OP("op"),
  /** The tensor the graph was drawn from. */
  OUTPUT("output");

  private final String word;

  Role(String word) {
    this.word = word;
  }

  /** Lower-case word shown in labels and tables. */
  public String word() {
    return word;
  }
}
