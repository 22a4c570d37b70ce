package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.io.Safetensors;
import io.github.chainrule.nn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fit --checkpoint DIR} and {@code fit --resume DIR}: the trainer's checkpoint, in
 * {@code DIR/checkpoint.safetensors}, plus what the fit was (model, target, loss), so that a resume
 * with another model is refused before anything is loaded.
 */
final class FitCheckpoint {
  static final String FILE = "checkpoint.safetensors";

  private FitCheckpoint() {}

  /** What a resumed fit must share with the one that saved: the same model, target and loss. */
  static Map<String, String> identity(String model, String target, String loss) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fit.model", model);
    m.put("fit.target", target);
    m.put("fit.loss", loss);
    return m;
  }

  /**
   * Sets up saving and resuming on {@code trainer}; returns a line to print when resuming, else null.
   * Saving goes to {@code save}, or back to {@code resume} when only that is given.
   *
   * @param parameters the model's parameters by name, whose shapes the checkpoint's must equal
   */
  static String configure(Trainer trainer, Path save, Integer every, Path resume, int epochs,
      Map<String, String> identity, Map<String, Tensor> parameters) throws IOException {
    Path saveDir = save != null ? save : resume;
    if (saveDir != null) {
      Files.createDirectories(saveDir);
      trainer.checkpoint(saveDir.resolve(FILE), every != null ? every : Math.max(1, epochs), identity);
    }
    if (resume == null) {
      return null;
    }
    Path file = resume.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--resume " + resume + ": no " + FILE + " there; a fit writes one with"
          + " --checkpoint " + resume);
    }
    Map<String, String> saved = Safetensors.metadata(file);
    for (Map.Entry<String, String> e : identity.entrySet()) {
      if (!e.getValue().equals(saved.get(e.getKey()))) {
        throw new IllegalArgumentException("--resume " + resume + ": the checkpoint was saved by a fit with "
            + e.getKey().substring("fit.".length()) + " '" + saved.get(e.getKey()) + "', this one has '" + e.getValue()
            + "'; resume with the same --model, --target and --loss");
      }
    }
    Map<String, Tensor> tensors = Safetensors.load(file);
    for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
      Tensor there = tensors.get(p.getKey());
      int[] here = p.getValue().shapeRef();
      if (there != null && !Arrays.equals(there.shapeRef(), here)) {
        throw new IllegalArgumentException("--resume " + resume + ": parameter " + p.getKey() + " has shape "
            + Shape.format(there.shapeRef()) + " in the checkpoint and " + Shape.format(here) + " in this fit's --params;"
            + " resume with the shapes the checkpoint was saved with (" + p.getKey() + ":"
            + String.join("x", Arrays.stream(there.shapeRef()).mapToObj(Integer::toString).toList()) + ")");
      }
    }
    trainer.resume(file);
    return "resuming from " + file + " at epoch " + saved.get("trainer.epoch") + " (step " + saved.get("trainer.step")
        + "), on to epoch " + epochs;
  }
}
