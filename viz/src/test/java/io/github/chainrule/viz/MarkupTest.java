package io.github.chainrule.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MarkupTest {

  @Test
  void markupCharactersBecomeEntities() {
    assertEquals("a &amp; b &lt;i&gt; &quot;q&quot; &#39;s&#39;", Markup.escape("a & b <i> \"q\" 's'"));
  }

  @Test
  void bracesBarsAndBackslashesArePlainText() {
    assertEquals("{x}|y\\z", Markup.escape("{x}|y\\z"));
  }

  @Test
  void nonAsciiBecomesCharacterReferencesSoFilesStayAscii() {
    assertEquals("caf&#xE9; &#x3B8; &#x4E2D; &#x1F600;", Markup.escape("caf\u00e9 \u03b8 \u4e2d \ud83d\ude00"));
  }

  @Test
  void controlCharactersAndBrokenSurrogatesAreShownNotEmbedded() {
    assertEquals("a\\u000Ab\\u0009c", Markup.escape("a\nb\tc"));
    assertEquals("x&#xFFFD;y", Markup.escape("x\ud800y"));
    assertEquals("", Markup.escape(null));
  }
}
