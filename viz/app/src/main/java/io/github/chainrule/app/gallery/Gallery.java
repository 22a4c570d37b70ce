package io.github.chainrule.app.gallery;

import java.util.List;
import java.util.Optional;

/** The demos of {@code chainrule demo}, in the order they run when no name is given. */
public final class Gallery {

  private static final List<Demo> DEMOS = List.of(new ReluParabola(), new ReluSum(), new NodeGradients(),
      new SymmetryDemo(), new LinearStack());

  private Gallery() {}

  public static List<Demo> all() {
    return DEMOS;
  }

  public static Optional<Demo> named(String name) {
    return DEMOS.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
