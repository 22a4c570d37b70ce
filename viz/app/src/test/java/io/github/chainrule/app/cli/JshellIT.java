package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Format;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./chainrule jshell}, fed a session on standard input as a person would type it: chainrule's
 * classes are there by their simple names, tensors print as one readable line, and SIMD is on both
 * where snippets compile and where they run.
 */
class JshellIT {
  @TempDir
  Path dir;

  @Test
  void opensJshellWithTheLibraryImportedAndTensorsPrintReadably() throws Exception {
    String session = String.join("\n",
        "Tensor x = Tensor.scalar(2).named(\"x\").requiresGrad();",
        "Tensor f = x.mul(x).add(x.sin()).named(\"f\");",
        "f.backward();",
        "x",
        "f",
        "DotExporter.toDot(f).startsWith(\"digraph\")",
        "Explain.explain(x, f).gradient()[0]",
        "new Linear(2, 1, 0)",
        "io.github.chainrule.autodiff.kernels.Kernels.get().name()",
        "jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length() > 0",
        "/exit", "");
    Launcher.Result r = Launcher.runWithInput(dir, session, "jshell");

    assertEquals(0, r.code(), r.toString());
    assertFalse(r.out().contains("Error"), "a snippet or the startup script failed:\n" + r);
    // f = x² + sin x at 2; df/dx = 2x + cos x.
    String value = Format.number(4 + Math.sin(2));
    String gradient = Format.number(4 + Math.cos(2));
    assertTrue(r.out().contains("x ==> Tensor x [] requiresGrad = 2\n"), "before backward, no gradient:\n" + r);
    assertTrue(r.out().contains("x ==> Tensor x [] requiresGrad = 2  grad " + gradient + "\n"), r.toString());
    assertTrue(r.out().contains("f ==> Tensor f [] add = " + value + "  grad 1\n"), r.toString());
    // The startup script's imports: viz.dot, autodiff.inspect, nn.layers.
    assertTrue(r.out().contains("$6 ==> true"), r.toString());
    Matcher explained = Pattern.compile("\\$7 ==> (\\S+)\n").matcher(r.out());
    assertTrue(explained.find(), r.toString());
    assertEquals(4 + Math.cos(2), Double.parseDouble(explained.group(1)), 1e-12, "Explain's df/dx");
    assertTrue(r.out().contains("$8 ==> Linear(in=2, out=1)"), r.toString());
    // -R--add-modules: the snippets run on the Vector API kernels; -C: they compile against the module.
    assertTrue(r.out().contains("$9 ==> \"vector\""), r.toString());
    assertTrue(r.out().contains("$10 ==> true"), r.toString());
  }
}
