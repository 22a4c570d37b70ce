package io.github.chainrule.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.chainrule.viz.render.NativeTools;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver, pointed at a playground on a free
 * port. The driver's path is given explicitly, so Selenium Manager never looks for (or downloads)
 * anything. Without Chromium the tests skip with a reason; with CI=true they fail instead.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "playground");

  final PlaygroundServer server;
  final ChromeDriver driver;
  final WebDriverWait wait;

  /**
   * The native program {@code name} on PATH; skips the test with one line when it is missing, or
   * fails it under CI=true ({@link NativeTools#required()}), where the whole suite must run.
   */
  static Path requireTool(String name) {
    return NativeTools.find(name).orElseGet(() -> {
      if (NativeTools.required()) {
        fail(NativeTools.missing(name) + ": install chromium and chromium-driver");
      }
      assumeTrue(false, "browser tests skipped: " + NativeTools.missing(name)
          + " (apt-get install chromium chromium-driver)");
      throw new AssertionError("unreachable");
    });
  }

  Browser() throws IOException {
    Path chromium = requireTool("chromium");
    Path chromedriver = requireTool("chromedriver");
    server = PlaygroundServer.start("127.0.0.1", 0);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    Path profile = Files.createTempDirectory("chainrule-chromium-");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  URI address() {
    return server.address();
  }

  void open(String pathAndQuery) {
    driver.get(address() + pathAndQuery.replaceFirst("^/", ""));
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Waits until element {@code id}'s text contains {@code text}, and returns that text. */
  String waitForText(String id, String text) {
    wait.withMessage(() -> "#" + id + " never showed '" + text + "'; it shows '" + textOf(id) + "'")
        .until(d -> textOf(id).contains(text));
    return textOf(id);
  }

  /** The element's visible text, read in one script call (the page redraws the summary on every answer). */
  String textOf(String id) {
    Object text = driver.executeScript("const e = document.getElementById(arguments[0]); return e ? e.innerText : null;", id);
    return text == null ? "(no element #" + id + ")" : (String) text;
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  /** Console errors the page logged, and every request that went anywhere but this server. */
  void assertCleanConsoleAndLocalRequests() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      // A 4xx answer is how the API reports bad input; the page shows it and carries on.
      if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("the server responded with a status of 4")) {
        errors.add(e.getMessage());
      }
    }
    assertEquals(List.of(), errors, "console errors");
    List<String> away = new ArrayList<>();
    String local = address().getHost() + ":" + address().getPort();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      String m = e.getMessage();
      if (!m.contains("\"Network.requestWillBeSent\"")) {
        continue;
      }
      String url;
      try {
        url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m).path("message").path("params")
            .path("request").path("url").asText();
      } catch (IOException ex) {
        throw new IllegalStateException("unreadable performance log entry " + m, ex);
      }
      // chrome:// and data: are the browser's own pages and inline data; anything else is the network.
      boolean network = !url.startsWith("chrome:") && !url.startsWith("data:") && !url.startsWith("about:");
      if (network && !url.startsWith("http://" + local + "/")) {
        away.add(url);
      }
    }
    assertEquals(List.of(), away, "requests that left " + local);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      server.close();
    }
  }

}
