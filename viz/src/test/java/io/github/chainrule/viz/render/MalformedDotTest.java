package io.github.chainrule.viz.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.viz.examples.ReadmePicture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad DOT never breaks the embedded Graphviz: each text is drawn or rejected with a {@link
 * GraphvizException} that says why, and the engine draws the next graph as before.
 */
class MalformedDotTest {
  private static final Graphviz GRAPHVIZ = Graphviz.embedded();
  private static final Pattern SAYS_WHERE = Pattern.compile("(?s).*(line \\d+|syntax error|graphviz: ).*");

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "digraph",
      "digraph {",
      "digraph { a -> }",
      "digraph { a -> b -> }",
      "graph { a -> b }",
      "digraph { a [label=\"unterminated] }",
      "digraph { subgraph { subgraph { a -> } } }",
      "}}}}",
  })
  void rejectedTextSaysWhyAndTheEngineGoesOn(String dot) throws IOException {
    GraphvizException e = assertThrows(GraphvizException.class, () -> GRAPHVIZ.svg(dot), dot);
    assertTrue(SAYS_WHERE.matcher(e.getMessage()).matches(), e.getMessage());
    assertStillDraws();
  }

  @Test
  void aMalformedHtmlLabelIsAnErrorNotAnEmptyNode() {
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> GRAPHVIZ.svg("digraph {\n  a [label=<<b>unclosed>]\n}"));
    assertTrue(e.getMessage().contains("mismatched tag in line 1") && e.getMessage().contains("in label of node a"),
        e.getMessage());
  }

  @Test
  void onlyTheFirstGraphOfATextIsDrawn() throws IOException {
    String svg = GRAPHVIZ.svg("digraph first { a } digraph second { b }");
    assertTrue(svg.contains("<title>a</title>") && !svg.contains("<title>b</title>"), svg);
  }

  @Test
  void aNulCharacterIsRejectedWithItsLine() {
    GraphvizException e = assertThrows(GraphvizException.class, () -> GRAPHVIZ.svg("digraph {\n a -> b\0 }"));
    assertTrue(e.getMessage().contains("NUL character in line 2"), e.getMessage());
  }

  @Test
  void odditiesThatAreStillDotAreDrawn() throws IOException {
    assertTrue(GRAPHVIZ.svg("digraph { \"\" }").contains("class=\"node\""), "an empty name");
    assertTrue(GRAPHVIZ.svg("digraph { \"a\\\"b\" -> \"ü∂x\" }").contains("ü∂x"), "quotes and Unicode");
    assertTrue(GRAPHVIZ.svg("digraph { a [label=\"" + "x".repeat(20_000) + "\"] }").contains("x".repeat(20_000)),
        "a 20,000 character label");
    StringBuilder nested = new StringBuilder("digraph { ");
    for (int i = 0; i < 200; i++) {
      nested.append("subgraph s").append(i).append(" { ");
    }
    nested.append("deep").append(" }".repeat(200)).append(" }");
    assertTrue(GRAPHVIZ.svg(nested.toString()).contains("<title>deep</title>"), "200 nested subgraphs");
  }

  /** Random damage to a real graph: cut short, characters dropped, duplicated, or replaced. */
  @Test
  void damagedDotIsDrawnOrRejectedNeverAnythingElse() throws IOException {
    String good = ReadmePicture.dot();
    Random random = new Random(12);
    List<String> rejected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String bad = damage(good, random);
      try {
        assertTrue(GRAPHVIZ.svg(bad).contains("</svg>"), bad);
      } catch (GraphvizException e) {
        assertTrue(SAYS_WHERE.matcher(e.getMessage()).matches(), e.getMessage());
        rejected.add(e.getMessage());
      }
    }
    assertTrue(rejected.size() >= 10, "most damage breaks the syntax: " + rejected.size() + " of 60 rejected");
    assertStillDraws();
  }

  private static String damage(String s, Random random) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + random.nextInt(4);
    for (int k = 0; k < edits && b.length() > 1; k++) {
      int at = random.nextInt(b.length());
      switch (random.nextInt(4)) {
        case 0 -> b.setLength(at);
        case 1 -> b.deleteCharAt(at);
        case 2 -> b.insert(at, b.charAt(random.nextInt(b.length())));
        default -> b.setCharAt(at, "{}[]<>\"=;,-\\".charAt(random.nextInt(12)));
      }
    }
    return b.toString();
  }

  private static void assertStillDraws() throws IOException {
    String svg = GRAPHVIZ.svg("digraph { still -> drawing }");
    assertEquals(2, svg.split("class=\"node\"").length - 1, svg);
  }
}
