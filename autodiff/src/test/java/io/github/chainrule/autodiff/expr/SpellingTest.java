package io.github.chainrule.autodiff.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpellingTest {

  @Test
  void aSwapOfNeighboursIsOneEditLikeEveryOtherSingleTypo() {
    assertEquals(1, Spelling.distance("tahn", "tanh"), "swap");
    assertEquals(1, Spelling.distance("sine", "sin"), "deletion");
    assertEquals(1, Spelling.distance("sgmoid", "sigmoid"), "insertion");
    assertEquals(1, Spelling.distance("grap", "grad"), "substitution");
  }

  @Test
  void distancesAddUpOverSeveralEdits() {
    assertEquals(0, Spelling.distance("relu", "relu"));
    assertEquals(3, Spelling.distance("", "abc"));
    assertEquals(3, Spelling.distance("kitten", "sitting"));
    assertEquals(Spelling.distance("softplus", "softmax"), Spelling.distance("softmax", "softplus"), "symmetric");
  }
}
