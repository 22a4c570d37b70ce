package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The explorer in a real browser: the page reads as the list of things a learner does. */
class ExplorerBrowserTest extends BrowserTest {
  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  void openXyPlusSinX() {
    browser.open("/?expr=" + q("x*y + sin(x)") + "&at=x=2,y=3");
    browser.waitForText("grad-y", "= 2");
  }

  @Test
  void theUrlOpensTheExpressionAtThePointWithItsGradientsAsText() throws Exception {
    openXyPlusSinX();
    assertEquals("d(x*y + sin(x))/dx = " + (3 + Math.cos(2)), browser.textOf("grad-x"), "dz/dx = y + cos x");
    assertEquals("d(x*y + sin(x))/dx = 2.5838531634528574", browser.textOf("grad-x"));
    assertEquals("d(x*y + sin(x))/dy = 2", browser.textOf("grad-y"));
    String graph = (String) browser.js("return document.querySelector('#graph svg').textContent");
    assertTrue(graph.contains("grad 2.58385"), "the graph shows x's gradient too: " + graph);
    browser.screenshot("explorer");
  }

  @Test
  void movingXToOneUpdatesTheGradientAndTheGraphWithoutANewLayout() throws Exception {
    openXyPlusSinX();
    browser.js("document.querySelector('#graph svg').dataset.marker = 'first layout'");
    WebElement box = browser.byId("value-x");
    box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "1");
    browser.waitForText("grad-x", "= " + (3 + Math.cos(1)));
    assertTrue(browser.textOf("grad-x").endsWith("= 3.5403023058681398"), browser.textOf("grad-x"));
    browser.wait.until(d -> ((String) browser.js("return document.querySelector('#graph svg').textContent"))
        .contains("grad 3.5403"));
    assertEquals("first layout", browser.js("return document.querySelector('#graph svg').dataset.marker"),
        "only the numbers changed: the same SVG element, the same layout");
    assertTrue(browser.driver.getCurrentUrl().contains("at=x=1,y=3"), browser.driver.getCurrentUrl());
  }

  @Test
  void clickingSinXShowsItsExplanationAndItsCheck() throws Exception {
    openXyPlusSinX();
    browser.js("""
        const g = [...document.querySelectorAll('#graph g.node')]
            .find(g => [...g.querySelectorAll('text')].some(t => t.textContent === 'sin(x)'));
        g.dispatchEvent(new MouseEvent('click', {bubbles: true}));""");
    String explanation = browser.waitForText("explanation", "sin(x)");
    assertTrue(explanation.contains("/dsin(x) = 1"), explanation);
    assertTrue(explanation.contains("the only path gives 1"), explanation);
    assertTrue(explanation.contains("Prediction against reality"), explanation);
    assertTrue(browser.textOf("check").contains("PASS"), browser.textOf("check"));
    browser.screenshot("explorer-explain");
  }

  @Test
  void steppingBackwardShowsXReceiveTwoContributionsThatSumToItsGradient() throws Exception {
    openXyPlusSinX();
    for (int i = 0; i < 8; i++) {
      browser.byId("step-backward").click();
    }
    String log = browser.waitForText("step-status", "backward pass done");
    String steps = browser.textOf("step-log");
    List<String> toX = steps.lines().filter(l -> l.contains("→ x:")).toList();
    assertEquals(2, toX.size(), steps);
    assertTrue(toX.stream().anyMatch(l -> l.contains("→ x: contribution 3;")), steps);
    assertTrue(toX.stream().anyMatch(l -> l.contains("→ x: contribution " + Math.cos(2) + ";")), steps);
    assertTrue(toX.get(1).endsWith("x has received 2, running sum " + (3 + Math.cos(2))), toX.get(1));
    assertEquals("running sum 2.5838531634528574", toX.get(1).replaceAll(".*(running sum .*)", "$1"));
    assertTrue(log.contains("5 nodes"), log);
    assertEquals(0L, browser.js("return [...document.querySelectorAll('#graph text')]"
        + ".filter(t => t.textContent === '·' || t.textContent === 'grad ·').length"),
        "after the pass every node shows its gradient and every edge what it carried");
    assertTrue(((String) browser.js("return document.querySelector('#graph svg').textContent")).contains("-0.416147"));
    browser.screenshot("explorer-backward");
  }

  @Test
  void aBrokenExpressionShowsWhereAndThePageKeepsWorking() throws Exception {
    openXyPlusSinX();
    WebElement input = browser.byId("expression");
    // The whole edit at once: typed key by key, "x*y + s" would be a valid expression of its own.
    browser.js("const e = document.getElementById('expression'); e.value = 'x*y + sin(';"
        + "e.dispatchEvent(new Event('input'));");
    String error = browser.waitForText("error", "bad expression");
    assertTrue(error.contains("^"), "the caret shows where: " + error);
    assertTrue(browser.textOf("grad-x").contains("2.58385"), "the last good values stay");
    input.sendKeys("x)*2");
    browser.waitForText("grad-x", "= " + (3 + 2 * Math.cos(2)));
    assertTrue(!browser.byId("error").isDisplayed());
  }

  /** The time from a slider move to the updated graph, for a 30-node expression: reported, not asserted. */
  @Test
  void sliderToGraphLatencyOfAThirtyNodeExpression() throws Exception {
    String expression = "relu(w*x + b)*v + sin(w*x)*cos(b) + tanh(v*x - w) + exp(-x*x)*w + sigmoid(b*v) + log(1 + x*x)*abs(v - b)";
    browser.open("/?expr=" + q(expression) + "&at=b=0.5,v=1.5,w=2,x=1");
    browser.waitForText("grad-w", "/dw");
    long nodes = (Long) browser.js("return document.querySelectorAll('#graph g.node').length");
    assertTrue(nodes >= 30, nodes + " nodes drawn");
    @SuppressWarnings("unchecked")
    List<Number> ms = (List<Number>) browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const slider = document.getElementById('slider-w');
        const svg = document.querySelector('#graph svg');
        const times = [];
        let i = 0;
        function once() {
          const t0 = performance.now();
          const obs = new MutationObserver(() => {
            obs.disconnect();
            times.push(performance.now() - t0);
            if (++i < 20) setTimeout(once, 30); else done(times);
          });
          obs.observe(svg, {subtree: true, characterData: true, childList: true});
          slider.value = String(1 + i * 0.05);
          slider.dispatchEvent(new Event('input'));
        }
        once();""");
    double[] sorted = ms.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    String report = String.format(java.util.Locale.ROOT,
        "slider move -> graph updated, %d-node expression, %d moves: median %.1f ms, max %.1f ms%n", nodes,
        sorted.length, sorted[sorted.length / 2], sorted[sorted.length - 1]);
    System.out.print(report);
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.writeString(Browser.SCREENSHOTS.resolve("slider-latency.txt"), report);
  }
}
