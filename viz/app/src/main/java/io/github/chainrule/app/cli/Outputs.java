package io.github.chainrule.app.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks, before a command does any work, that what it will write can be written: a long fit
 * should not train for an hour and then find that its report directory cannot be made. Checked by
 * doing it (making the directories, creating and deleting a probe file), since permission bits do
 * not tell what a read-only or special file system will allow.
 */
final class Outputs {
  private Outputs() {}

  /** {@code dir} exists or can be made, and files can be created in it. */
  static void checkDirectory(String option, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(option + " " + dir + ": a file is in the way; give a directory, nothing was run");
    }
    probe(option, dir, dir);
  }

  /** {@code file} can be created or overwritten: its directory can be made, and it is not a directory. */
  static void checkFile(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + ": is a directory; give a file name, nothing was run");
    }
    if (Files.exists(file)) {
      // Opened for appending and closed at once: the file is left as it was.
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        return;
      } catch (IOException e) {
        throw cannot(option, file, e);
      }
    }
    Path parent = file.toAbsolutePath().getParent();
    probe(option, file, parent);
  }

  private static void probe(String option, Path given, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".chainrule-", ".probe"));
    } catch (IOException e) {
      throw cannot(option, given, e);
    }
  }

  private static IllegalArgumentException cannot(String option, Path given, IOException e) {
    return new IllegalArgumentException(option + " " + given + ": cannot be written (" + Main.describe(e)
        + "); nothing was run");
  }
}
