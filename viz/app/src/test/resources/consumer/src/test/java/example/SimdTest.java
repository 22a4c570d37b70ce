package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.chainrule.autodiff.kernels.Kernels;
import org.junit.jupiter.api.Test;

class SimdTest {
  @Test
  void surefireStartsTestsWithTheVectorModule() {
    assertEquals("vector", Kernels.get().name());
  }
}
