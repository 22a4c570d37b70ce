package io.github.chainrule.app.serve;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** One browser and playground for the tests of a class; after each, the console and the network are checked. */
@ExtendWith(RequiresBrowser.class)
abstract class BrowserTest {
  static Browser browser;

  @BeforeAll
  static void startBrowser() throws Exception {
    browser = new Browser();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @AfterEach
  void nothingWentWrongOutOfSight() {
    browser.assertCleanConsoleAndLocalRequests();
  }
}
