package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/** The trainer in a real browser: presets, live training, and the state in the address. */
class TrainerBrowserTest extends BrowserTest {
  void runSteps(int n) {
    browser.byId("t-run-steps").sendKeys(Keys.chord(Keys.CONTROL, "a"), Integer.toString(n));
    browser.byId("t-run").click();
  }

  /** The incoming weights and bias of hidden unit {@code unit}, as the weights table shows them. */
  String hiddenUnit(int unit) {
    return browser.textOf("w-0-" + unit).replaceFirst("^0\\s+" + unit + "\\s+", "");
  }

  @Test
  void theSymmetryDemosTwinUnitsStayIdenticalAfterTwoHundredSteps() throws Exception {
    browser.open("/?demo=symmetry");
    browser.waitForText("train-step", "step 0");
    assertEquals(hiddenUnit(0), hiddenUnit(1), "the twins start identical");
    String start = hiddenUnit(0);
    runSteps(200);
    browser.waitForText("train-step", "step 200");
    assertEquals(hiddenUnit(0), hiddenUnit(1), "H1 and H2: same weights, bias and gradients, to the last digit");
    assertTrue(!hiddenUnit(0).equals(start), "they trained: " + start + " -> " + hiddenUnit(0));
    assertTrue(browser.driver.getCurrentUrl().contains("demo=symmetry"), browser.driver.getCurrentUrl());
    browser.screenshot("trainer-symmetry");
  }

  @Test
  void xorTrainsLiveBelowFiveHundredthsAndTheCopiedUrlReopensTheSameState() throws Exception {
    browser.open("/?mode=train&data=xor&hidden=4&activation=tanh&optimizer=adam&lr=0.05&init=seed&seed=1");
    browser.waitForText("train-step", "step 0");
    browser.byId("t-play").click();
    browser.wait.withMessage(() -> "the loss never fell below 0.05: " + browser.textOf("train-loss"))
        .until(d -> loss() < 0.05);
    browser.byId("t-play").click();
    browser.waitForText("t-play", "Play");
    // Paused: the address shows the step the page shows (step is its last parameter).
    browser.wait.until(d -> browser.driver.getCurrentUrl().endsWith("&step=" + browser.textOf("train-step").substring(5)));
    assertTrue(loss() < 0.05, browser.textOf("train-loss"));
    browser.screenshot("trainer-xor");
    String url = browser.driver.getCurrentUrl();
    String step = browser.textOf("train-step");
    String loss = browser.textOf("train-loss");
    String weights = browser.textOf("weights");
    browser.driver.get(url);
    browser.waitForText("train-step", step);
    browser.waitForText("train-loss", loss);
    assertEquals(weights, browser.textOf("weights"), "the same weights after reloading " + url);
  }

  @Test
  void aTwoDimensionalSetShowsItsDecisionBoundaryAndEveryHiddenUnit() throws Exception {
    browser.open("/?mode=train&data=circles&hidden=6&activation=tanh&optimizer=adam&lr=0.05&init=seed&seed=3&step=300");
    browser.waitForText("train-step", "step 300");
    assertEquals(6L, browser.js("return document.querySelectorAll('#heatmaps canvas').length"));
    assertTrue(browser.byId("view-2d").isDisplayed());
    assertTrue(browser.textOf("health").contains("layer 0: "), browser.textOf("health"));
    browser.screenshot("trainer-circles");
  }

  private double loss() {
    String t = browser.textOf("train-loss").replace("loss ", "");
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
