package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HugeMethodsTest {

  @Test
  void hugeMethodsAreRefusedExactlyWhenTheJvmWasNotToldToCompileThem() {
    // viz's surefire passes the flag; a JVM started without it (HotSpot's default) refuses them.
    boolean flagGiven = ManagementFactory.getRuntimeMXBean().getInputArguments().contains(HugeMethods.FLAG);
    assertEquals(!flagGiven, HugeMethods.refused(),
        "JVM arguments " + ManagementFactory.getRuntimeMXBean().getInputArguments());
  }
}
