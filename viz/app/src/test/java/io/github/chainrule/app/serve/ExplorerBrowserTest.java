package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void aTensorExpressionOpensFromTheAddressAndAnswersAnElementsMove() throws Exception {
    browser.open("/?expr=" + q("sum(W @ x)") + "&at=W=[[1,2],[3,4]],x=[1,0]");
    // d sum(Wx) / dW_ij = x_j: the gradient of W[0,1] is x[1], element by element as text.
    browser.waitForText("grad-W-1", "= 0");
    assertEquals("  d(sum(W @ x))/dW[0,1] = 0", browser.textOf("grad-W-1").stripTrailing().replaceFirst("^\\s*", "  "));
    assertEquals("  d(sum(W @ x))/dx[1] = 6", browser.textOf("grad-x-1").replaceFirst("^\\s*", "  "));
    assertEquals(4, browser.driver.findElements(By.cssSelector("[data-name='W'] input[type=range]")).size(),
        "a slider per element of W");
    String svg = (String) browser.js("return document.querySelector('#graph svg').textContent");
    assertTrue(svg.contains("value [[1, 2],") && svg.contains("[3, 4]]"), "the matrix, row by row: " + svg);
    assertTrue(svg.contains("2 of 4 exactly 0"), "x[1] = 0 leaves W's second column dead: " + svg);
    browser.js("document.querySelector('#graph svg').dataset.marker = 'first layout'");
    long layouts = browser.server.explorer().layoutsRendered();

    WebElement x1 = browser.byId("value-x-1");
    x1.sendKeys(Keys.chord(Keys.CONTROL, "a"), "0.5");
    browser.waitForText("grad-W-1", "= 0.5");
    assertTrue(browser.textOf("grad-W-3").endsWith("= 0.5"), browser.textOf("grad-W-3"));
    assertTrue(browser.textOf("value").endsWith("= 7"), "1 + 1 + 3 + 2: " + browser.textOf("value"));
    browser.wait.until(d -> ((String) browser.js("return document.querySelector('#graph svg').textContent"))
        .contains("grad [[1, 0.5],"));
    assertEquals("first layout", browser.js("return document.querySelector('#graph svg').dataset.marker"));
    String moved = (String) browser.js("return document.querySelector('#graph svg').textContent");
    assertFalse(moved.contains("exactly 0"), "no element of W's gradient is 0 any more: " + moved);
    assertEquals(layouts, browser.server.explorer().layoutsRendered(), "a value-only move renders no graph");
    assertTrue(browser.driver.getCurrentUrl().contains("at=W=[[1,2],[3,4]],x=[1,0.5]"), browser.driver.getCurrentUrl());
    browser.screenshot("explorer-tensor");
  }

  /** Each node's border colour and width (a red border marks NaN or Inf), by the node's title. */
  @SuppressWarnings("unchecked")
  static java.util.Map<String, String> borders() {
    return (java.util.Map<String, String>) browser.js("""
        const out = {};
        for (const g of document.querySelectorAll('#graph g.node')) {
          const name = g.querySelector('text').textContent;
          const outline = [...g.querySelectorAll('polygon, path')].find(e => e.getAttribute('stroke') !== 'none');
          out[name] = getComputedStyle(outline).stroke + ' ' + getComputedStyle(outline).strokeWidth;
        }
        return out;""");
  }

  @Test
  void theNonFiniteWarningFollowsAValueOnlyMoveAsTheGradientsDo() throws Exception {
    // sqrt'(0) = Inf: x's gradient is infinite, so its node has the red row and border; y's is finite.
    browser.open("/?expr=" + q("sqrt(x) + sqrt(y)") + "&at=x=0,y=1");
    browser.waitForText("grad-y", "= 0.5");
    String svg = (String) browser.js("return document.querySelector('#graph svg').textContent");
    assertTrue(svg.contains("Inf in grad"), "x's gradient is infinite: " + svg);
    String red = "rgb(214, 39, 40) 3px";
    assertEquals(red, borders().get("x"), borders().toString());
    assertFalse(borders().get("y").startsWith("rgb(214, 39, 40)"), borders().toString());
    browser.js("document.querySelector('#graph svg').dataset.marker = 'first layout'");
    long layouts = browser.server.explorer().layoutsRendered();

    // x = 1, y = 0: the warning moves from x to y without a new layout. x's row goes blank (the layout
    // keeps its place) and its border plain; y has no row in this layout, so its border says it.
    browser.byId("value-x").sendKeys(Keys.chord(Keys.CONTROL, "a"), "1");
    browser.waitForText("grad-x", "= 0.5");
    browser.byId("value-y").sendKeys(Keys.chord(Keys.CONTROL, "a"), "0");
    browser.wait.withMessage(() -> "y's border never turned red: " + borders()).until(d -> borders().get("y").equals(red));
    String moved = (String) browser.js("return document.querySelector('#graph svg').textContent");
    assertFalse(moved.contains("Inf in grad"), "x's gradient is finite now: " + moved);
    assertFalse(borders().get("x").startsWith("rgb(214, 39, 40)"), borders().toString());
    assertEquals("first layout", browser.js("return document.querySelector('#graph svg').dataset.marker"));
    assertEquals(layouts, browser.server.explorer().layoutsRendered(), "a value-only move renders no graph");
    assertFalse(browser.textOf("nodes").contains("not required"), "y's gradient is Inf, not absent: "
        + browser.textOf("nodes"));
    browser.screenshot("explorer-non-finite");

    // Back to x = 0: the row reads again.
    browser.byId("value-x").sendKeys(Keys.chord(Keys.CONTROL, "a"), "0");
    browser.wait.withMessage(() -> "x's row never read again").until(d -> ((String) browser.js(
        "return document.querySelector('#graph svg').textContent")).contains("Inf in grad"));
    assertEquals(red, borders().get("x"), borders().toString());
  }

  @Test
  void everyNumberBoxOfATensorFitsInsideTheControls() throws Exception {
    browser.open("/?expr=" + q("sum(W @ x)") + "&at=W=[[1,2],[3,4]],x=[1,0]");
    browser.waitForText("grad-W-1", "= 0");
    @SuppressWarnings("unchecked")
    List<String> outside = (List<String>) browser.js("""
        const right = document.querySelector('#explore .controls').getBoundingClientRect().right;
        return [...document.querySelectorAll('#variables input')]
            .filter(i => i.getBoundingClientRect().right > right + 0.5)
            .map(i => `${i.id} ends at ${i.getBoundingClientRect().right} px, the controls at ${right} px`);""");
    assertEquals(List.of(), outside, "boxes past the controls' right edge, under the graph");
  }

  @Test
  void steppingBackwardThroughATensorExpressionShowsWholeContributions() throws Exception {
    browser.open("/?expr=" + q("sum(W @ x) + sum(x)") + "&at=W=[[1,2],[3,4]],x=[1,0]");
    browser.waitForText("grad-x-1", "= 7");
    for (int i = 0; i < 7; i++) {
      browser.byId("step-backward").click();
    }
    browser.waitForText("step-status", "backward pass done");
    List<String> toX = browser.textOf("step-log").lines().filter(l -> l.contains("→ x:")).toList();
    assertEquals(2, toX.size(), browser.textOf("step-log"));
    assertTrue(toX.get(1).endsWith("x has received 2, running sum [5,7]"), toX.get(1));
  }

  /**
   * The time from a slider move to the updated graph, for a 30-node expression: reported, not
   * asserted. Also how much of it the request took (Resource Timing), and that no move laid the
   * graph out again.
   */
  @Test
  void sliderToGraphLatencyOfAThirtyNodeExpression() throws Exception {
    String expression = "relu(w*x + b)*v + sin(w*x)*cos(b) + tanh(v*x - w) + exp(-x*x)*w + sigmoid(b*v) + log(1 + x*x)*abs(v - b)";
    browser.open("/?expr=" + q(expression) + "&at=b=0.5,v=1.5,w=2,x=1");
    browser.waitForText("grad-w", "/dw");
    long nodes = (Long) browser.js("return document.querySelectorAll('#graph g.node').length");
    assertTrue(nodes >= 30, nodes + " nodes drawn");
    long layouts = browser.server.explorer().layoutsRendered();
    @SuppressWarnings("unchecked")
    List<List<Number>> ms = (List<List<Number>>) browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const slider = document.getElementById('slider-w');
        const svg = document.querySelector('#graph svg');
        const times = [];
        let i = 0;
        function once() {
          performance.clearResourceTimings();
          const t0 = performance.now();
          const obs = new MutationObserver(() => {
            obs.disconnect();
            const total = performance.now() - t0;
            const r = performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/explore')).pop();
            times.push([total, r ? r.responseEnd - r.startTime : -1]);
            if (++i < 20) setTimeout(once, 30); else done(times);
          });
          obs.observe(svg, {subtree: true, characterData: true, childList: true});
          slider.value = String(1 + i * 0.05);
          slider.dispatchEvent(new Event('input'));
        }
        once();""");
    double[] sorted = ms.stream().mapToDouble(m -> m.get(0).doubleValue()).sorted().toArray();
    double[] request = ms.stream().mapToDouble(m -> m.get(1).doubleValue()).sorted().toArray();
    long rendered = browser.server.explorer().layoutsRendered() - layouts;
    String report = String.format(java.util.Locale.ROOT,
        "slider move -> graph updated, %d-node expression, %d moves: median %.1f ms, max %.1f ms; of which the "
            + "/api/explore request: median %.1f ms, max %.1f ms; layouts rendered during the moves: %d%n", nodes,
        sorted.length, sorted[sorted.length / 2], sorted[sorted.length - 1], request[request.length / 2],
        request[request.length - 1], rendered);
    System.out.print(report);
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.writeString(Browser.SCREENSHOTS.resolve("slider-latency.txt"), report);
    assertEquals(0, rendered, "value-only moves reuse the layout");
  }
}
