package io.github.chainrule.app.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The gallery lists the five demos of issue #7 in their order, each findable by name. */
class GalleryTest {
  @Test
  void listsTheFiveDemosInOrder() {
    assertEquals(List.of("relu-parabola", "relu-sum", "node-gradients", "symmetry", "linear-stack"),
        Gallery.all().stream().map(Demo::name).toList());
  }

  @Test
  void findsEachDemoByNameAndNothingElse() {
    for (Demo d : Gallery.all()) {
      assertSame(d, Gallery.named(d.name()).orElseThrow());
      assertFalse(d.title().isBlank(), d.name() + " has a title");
      assertTrue(d.name().matches("[a-z]+(-[a-z]+)*"), d.name());
    }
    assertTrue(Gallery.named("relu").isEmpty());
    assertTrue(Gallery.named("RELU-SUM").isEmpty());
  }
}
