package io.github.chainrule.autodiff.expr;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Node.Binary;
import io.github.chainrule.autodiff.expr.Node.Call;
import io.github.chainrule.autodiff.expr.Node.Literal;
import io.github.chainrule.autodiff.expr.Node.Negate;
import io.github.chainrule.autodiff.expr.Node.Operator;
import io.github.chainrule.autodiff.expr.Node.Variable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model written as text, such as {@code relu(w1*x + b1)*v1 + relu(w2*x + b2)*v2 + c}, that builds
 * the same {@link Tensor} graph the Java API would.
 *
 * <pre>{@code
 * Expression e = Expression.parse("relu(w*x + b)*v");
 * e.variables();                                    // [w, x, b, v]
 * Tensor w = Tensor.scalar(0.5).requiresGrad();     // ... b, v likewise
 * Tensor out = e.build(Map.of("w", w, "x", Tensor.vector(1, 2, 3), "b", b, "v", v));
 * out.sum().backward();                             // gradients land on w, b and v
 * }</pre>
 *
 * <h2>Syntax</h2>
 * {@code + - * / @ ^}, unary minus, parentheses, numbers ({@code 2}, {@code 2.}, {@code .5},
 * {@code 1e-4}), names and the functions of {@link Builtin} (relu, sigmoid, tanh, exp, log, sqrt, abs,
 * sin, cos, softplus, the elementwise max(a, b), min(a, b), the reductions sum(x) and mean(x) over
 * every element, sum(x, axis) and mean(x, axis) along one axis, which they remove, transpose(W) of
 * the last two axes and transpose(x, axis0, axis1)). An axis is a whole number as written
 * ({@code 0}, {@code -1}; negative axes count from the end, as in the Java API) and is checked
 * against the tensor's shape when the graph is built. Precedence is that of mathematics:
 * {@code ^} binds tightest and is right-associative ({@code 2^3^2} is {@code 2^9}), then unary minus
 * ({@code -x^2} is {@code -(x^2)}), then {@code * / @}, then {@code + -}, both left-associative.
 *
 * <p>{@code @} is the matrix product with NumPy's rules ({@link Tensor#matmul}), at the precedence
 * of {@code *} as in Python: {@code W @ x + b} is {@code (W @ x) + b}. A vector on its left acts as a
 * row, on its right as a column, so {@code W @ x} with W [2, 3] and x [3] is a vector [2]. Both of
 * its operands must involve a variable, since a number is a scalar. The transpose is written as a
 * call, {@code transpose(W)}, not {@code W.T}: a {@code .} may be part of a name, so
 * {@code layer.T} would be ambiguous.
 * The exponent of {@code ^} must be a constant because the graph has only constant powers
 * ({@link Tensor#pow(double)}); write {@code exp(y*log(x))} for a variable one.
 *
 * <p>Names are ASCII letters, digits and {@code _}, starting with a letter or {@code _}; a
 * {@code .} may join parts, so module parameters can be written as they are named
 * ({@code hidden.w1}, {@code layers.0.bias}). Function names are reserved. Whitespace (space, tab,
 * newline) is ignored between tokens. There are no named constants: {@code e} and {@code pi} are
 * variables like any other; write {@code exp(1)} for e.
 *
 * <h2>The graph</h2>
 * {@link #build} makes one node per sub-expression, named by its text in the source
 * ({@code "w1*x + b1"}, {@code "relu(w1*x + b1)"}); the text inside parentheses names the node, the
 * parentheses do not. Numbers become scalar constants named as written. Variables are the bound
 * tensors themselves, so gradients land on them; an unnamed bound tensor is given the variable's
 * name, a named one keeps its name. Shapes broadcast exactly as in the Tensor API, so a CSV column
 * bound as a vector gives a vector of outputs.
 *
 * <h2>Limits</h2>
 * Input longer than {@value #MAX_LENGTH} characters, nesting deeper than {@value #MAX_NESTING} levels,
 * or a tree deeper than {@value #MAX_DEPTH} levels is refused with a {@link ParseException}, so no
 * input can exhaust the stack or the heap. Instances are immutable and safe to share between threads.
 */
public final class Expression {
  /** The longest input accepted, in chars. */
  public static final int MAX_LENGTH = 10_000;
  /** The deepest nesting of parentheses, calls, unary minus and exponents. */
  public static final int MAX_NESTING = 100;
  /** The deepest tree: how many operations may apply one to the result of another. */
  public static final int MAX_DEPTH = 1_000;

  private final String source;
  private final Node root;
  private final List<String> variables;

  private Expression(String source, Node root) {
    this.source = source;
    this.root = root;
    this.variables = List.copyOf(collectVariables(root));
  }

  /**
   * Parses an expression.
   *
   * @throws ParseException if it is malformed; the message shows where and what was expected
   */
  public static Expression parse(String text) {
    checkNotNull(text, "Expression.parse: text is null");
    return new Expression(text, Parser.parse(text));
  }

  /** An expression for a tree built in Java; its graph nodes are named by the canonical text. */
  public static Expression of(Node root) {
    checkNotNull(root, "Expression.of: root is null");
    checkArgument(root.depth() <= MAX_DEPTH, "Expression.of: tree is %s levels deep, the limit is %s",
        root.depth(), MAX_DEPTH);
    return new Expression(null, root);
  }

  /** The syntax tree. */
  public Node root() {
    return root;
  }

  /** The text this was parsed from, or the canonical text for a tree built in Java. */
  public String source() {
    return source != null ? source : root.toString();
  }

  /** Every variable name, once each, in order of first appearance. */
  public List<String> variables() {
    return variables;
  }

  /**
   * Builds the graph with each variable bound to a tensor, and returns its output.
   *
   * @param bindings a tensor for every variable; entries for other names are ignored
   * @throws IllegalArgumentException if a variable is not bound (the message lists the bound
   *     names), or an op refuses its operands' shapes (the message names the sub-expression)
   */
  public Tensor build(Map<String, Tensor> bindings) {
    checkNotNull(bindings, "Expression.build: bindings is null");
    List<String> missing = new ArrayList<>();
    for (String v : variables) {
      if (bindings.get(v) == null) {
        missing.add(v);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Expression.build: " + (missing.size() == 1
          ? "variable '" + missing.get(0) + "' is not bound"
          : "variables " + quoted(missing) + " are not bound")
          + " in '" + Lexer.abbreviate(source()) + "'; bound: "
          + (bindings.isEmpty() ? "nothing" : quoted(new TreeSet<>(bindings.keySet()))));
    }
    return build(root, bindings);
  }

  /**
   * The value for scalar values of the variables, computed without recording a graph.
   *
   * @throws IllegalArgumentException if a variable is not bound
   */
  public double evaluate(Map<String, ? extends Number> values) {
    checkNotNull(values, "Expression.evaluate: values is null");
    Map<String, Tensor> scalars = new LinkedHashMap<>();
    values.forEach((name, value) -> scalars.put(name, value == null ? null : Tensor.scalar(value.doubleValue())));
    try (var scope = Tensor.noGrad()) {
      return build(scalars).item();
    }
  }

  private Tensor build(Node node, Map<String, Tensor> bindings) {
    if (node instanceof Variable) {
      Tensor bound = bindings.get(((Variable) node).name());
      return bound.name() == null ? bound.named(((Variable) node).name()) : bound;
    }
    Tensor out;
    if (node instanceof Literal) {
      out = Tensor.scalar(((Literal) node).value());
    } else {
      try {
        out = operation(node, bindings);
      } catch (SubExpressionException e) {
        throw e;  // already names the innermost sub-expression that failed
      } catch (IllegalArgumentException e) {
        throw new SubExpressionException("in '" + Lexer.abbreviate(nameOf(node)) + "': " + e.getMessage(), e);
      }
    }
    return out.named(nameOf(node));
  }

  private Tensor operation(Node node, Map<String, Tensor> bindings) {
    if (node instanceof Negate) {
      return build(((Negate) node).operand(), bindings).neg();
    }
    if (node instanceof Binary) {
      Binary b = (Binary) node;
      Tensor left = build(b.left(), bindings);
      if (b.op() == Operator.POW) {
        // The exponent is a constant (the parser and Node check it): evaluate it, as Tensor.pow wants a double.
        double p;
        try (var scope = Tensor.noGrad()) {
          p = build(b.right(), Map.of()).item();
        }
        return left.pow(p);
      }
      Tensor right = build(b.right(), bindings);
      switch (b.op()) {
        case ADD: return left.add(right);
        case SUB: return left.sub(right);
        case MUL: return left.mul(right);
        case DIV: return left.div(right);
        case MATMUL: return left.matmul(right);
        default: throw new AssertionError(b.op());
      }
    }
    Call c = (Call) node;
    Tensor[] args = new Tensor[c.function().tensors()];
    for (int i = 0; i < args.length; i++) {
      args[i] = build(c.args().get(i), bindings);
    }
    return c.function().apply(args, c.ints());
  }

  /** The graph node's name: the node's own source text, or its canonical text if it has none. */
  private String nameOf(Node node) {
    return source != null && node.start() >= 0 ? source.substring(node.start(), node.end()) : node.toString();
  }

  /** An op's complaint, prefixed with the sub-expression whose op it was. */
  private static final class SubExpressionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SubExpressionException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static Set<String> collectVariables(Node root) {
    Set<String> names = new LinkedHashSet<>();
    // Children are visited left to right, which is their order in the source.
    List<Node> stack = new ArrayList<>();
    stack.add(root);
    while (!stack.isEmpty()) {
      Node node = stack.remove(stack.size() - 1);
      if (node instanceof Variable) {
        names.add(((Variable) node).name());
      } else if (node instanceof Negate) {
        stack.add(((Negate) node).operand());
      } else if (node instanceof Binary) {
        stack.add(((Binary) node).right());
        stack.add(((Binary) node).left());
      } else if (node instanceof Call) {
        List<Node> args = ((Call) node).args();
        for (int i = args.size() - 1; i >= 0; i--) {
          stack.add(args.get(i));
        }
      }
    }
    return names;
  }

  private static String quoted(Iterable<String> names) {
    StringBuilder out = new StringBuilder();
    for (String n : names) {
      out.append(out.length() == 0 ? "" : ", ").append('\'').append(n).append('\'');
    }
    return out.toString();
  }

  /** Equal when the trees are equal, whatever the spacing and redundant parentheses of the source. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Expression && ((Expression) o).root.equals(root);
  }

  @Override
  public int hashCode() {
    return root.hashCode();
  }

  /**
   * The canonical text: parsing it gives an equal expression. (Every parsed expression's text is
   * within the parser's limits; a tree built in Java may not be, for example 200 nested minus signs.)
   */
  @Override
  public String toString() {
    return root.toString();
  }
}
