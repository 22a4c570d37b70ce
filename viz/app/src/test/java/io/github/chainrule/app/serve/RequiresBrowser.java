package io.github.chainrule.app.serve;

import io.github.chainrule.viz.render.NativeTools;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a browser test class, with one line saying why, where Chromium or its driver is missing.
 * Decided before the class starts, so the runner reports its tests as skipped rather than silently
 * not run (an assumption failing in {@code @BeforeAll} reports nothing). Under CI=true the class
 * runs anyway and fails at {@link Browser#requireTool}, because there the whole suite must run.
 */
final class RequiresBrowser implements ExecutionCondition {
  private static final String[] TOOLS = {"chromium", "chromedriver"};

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    for (String tool : TOOLS) {
      if (NativeTools.find(tool).isEmpty() && !NativeTools.required()) {
        String reason = "browser tests skipped: " + NativeTools.missing(tool)
            + " (apt-get install chromium chromium-driver; CI=true makes this a failure)";
        System.err.println(context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
      }
    }
    return ConditionEvaluationResult.enabled("chromium and chromedriver are on PATH, or CI=true requires them");
  }
}
