import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Build step (run by the JDK's source launcher from viz/pom.xml): takes the Graphviz WebAssembly
 * module out of viz-js's {@code backend.js}, where Emscripten's SINGLE_FILE build embeds it as a
 * JavaScript string literal with one character per byte, and writes it as a {@code .wasm} file
 * after checking its SHA-256 against the pinned value.
 *
 * <p>Usage: {@code java ExtractWasm.java backend.js out.wasm sha256}
 */
public final class ExtractWasm {
  private static final String START = "binaryDecode('";

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: ExtractWasm backend.js out.wasm sha256");
    }
    Path source = Path.of(args[0]);
    Path target = Path.of(args[1]);
    String expected = args[2];
    String js = Files.readString(source, StandardCharsets.UTF_8);
    int start = js.indexOf(START);
    if (start < 0 || js.indexOf(START, start + 1) >= 0) {
      throw new IllegalStateException(source + ": expected exactly one " + START + "...') holding the module");
    }
    byte[] wasm = decode(js, start + START.length(), source);
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
    if (!actual.equals(expected)) {
      throw new IllegalStateException(source + ": the embedded Graphviz module has SHA-256 " + actual
          + ", not the pinned " + expected + "; the viz-js artifact changed. The renderer binds the module's"
          + " minified import and export names, so check them before pinning a new checksum.");
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.write(target, wasm);
    System.out.println("ExtractWasm: " + target + " (" + wasm.length + " bytes, SHA-256 " + actual + ")");
  }

  /** The bytes of the single-quoted literal starting at {@code from}: one char a byte, \n \r \\ \' escaped. */
  private static byte[] decode(String js, int from, Path source) {
    byte[] out = new byte[js.length() - from];
    int n = 0;
    for (int i = from; ; i++) {
      if (i >= js.length()) {
        throw new IllegalStateException(source + ": the module's string literal is not closed");
      }
      char c = js.charAt(i);
      if (c == '\'') {
        break;
      }
      if (c == '\\') {
        char e = js.charAt(++i);
        c = switch (e) {
          case 'n' -> '\n';
          case 'r' -> '\r';
          case '\\', '\'', '"' -> e;
          default -> throw new IllegalStateException(source + ": unexpected escape \\" + e + " at " + i);
        };
      }
      if (c > 0xFF) {
        throw new IllegalStateException(source + ": character U+" + Integer.toHexString(c) + " at " + i + " is not a byte");
      }
      out[n++] = (byte) c;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
