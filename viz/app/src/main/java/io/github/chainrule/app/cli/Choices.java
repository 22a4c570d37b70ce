package io.github.chainrule.app.cli;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option whose values are constants known by the names users type ({@code half-sse}, not
 * {@code HALF_SSE}): picocli's converter, which names the choices and the nearest one on a typo, and
 * its completion candidates, which {@code ${COMPLETION-CANDIDATES}} lists in the help.
 */
abstract class Choices<E> implements ITypeConverter<E>, Iterable<String> {
  private final String kind;
  private final String kinds;
  private final Map<String, E> byName = new LinkedHashMap<>();

  /** @param kind what one choice is ("loss"), and {@code kinds} several ("losses"), for messages */
  Choices(String kind, String kinds, E[] values, Function<E, String> name) {
    this.kind = kind;
    this.kinds = kinds;
    for (E e : values) {
      byName.put(name.apply(e), e);
    }
  }

  List<String> names() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public E convert(String value) {
    E e = byName.get(value);
    if (e == null) {
      throw new TypeConversionException("unknown " + kind + " '" + value + "': the " + kinds + " are "
          + Names.list(names()) + Names.didYouMean(value, names()));
    }
    return e;
  }

  @Override
  public Iterator<String> iterator() {
    return names().iterator();
  }
}
