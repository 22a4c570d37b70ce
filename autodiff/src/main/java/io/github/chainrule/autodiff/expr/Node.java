package io.github.chainrule.autodiff.expr;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Objects;

/**
 * The syntax tree of an {@link Expression}: immutable values, equal when they have the same
 * structure. Where a node came from in the source text is remembered for naming graph nodes but is
 * not part of equality, so {@code parse("a+b")} equals {@code parse("a + b")}.
 *
 * <p>{@code toString()} prints the canonical text, with just the parentheses the structure needs:
 * spaces around {@code +}, {@code -} and {@code @}, none around {@code * / ^}. Parsing it gives an equal tree.
 */
public sealed interface Node permits Node.Literal, Node.Variable, Node.Negate, Node.Binary, Node.Call {

  /** Levels of this tree: 1 for a number or a name. */
  int depth();

  /** Where this node's text starts in the source, or -1 if it was built in Java. */
  int start();

  /** Where this node's text ends (exclusive), or -1 if it was built in Java. */
  int end();

  // ---------------------------------------------------------------- factories for trees built in Java

  static Literal number(double value) {
    return new Literal(value, -1, -1);
  }

  static Variable variable(String name) {
    return new Variable(name, -1, -1);
  }

  static Negate negate(Node operand) {
    return new Negate(operand, -1, -1);
  }

  static Binary binary(Operator op, Node left, Node right) {
    return new Binary(op, left, right, -1, -1);
  }

  static Call call(Builtin function, Node... args) {
    return new Call(function, List.of(args), -1, -1);
  }

  /** The binary operators, with their precedence: a higher one binds tighter. */
  enum Operator {
    ADD("+", 1), SUB("-", 1), MUL("*", 2), DIV("/", 2),
    /** Matrix product, {@link io.github.chainrule.autodiff.Tensor#matmul}: with {@code * /}, as in Python. */
    MATMUL("@", 2),
    POW("^", 4);

    private final String symbol;
    private final int precedence;

    Operator(String symbol, int precedence) {
      this.symbol = symbol;
      this.precedence = precedence;
    }

    public String symbol() {
      return symbol;
    }

    public int precedence() {
      return precedence;
    }
  }

  /** Unary minus sits between {@code * /} and {@code ^}: {@code -x^2} is {@code -(x^2)}, {@code -a*b} is {@code (-a)*b}. */
  int NEGATE_PRECEDENCE = 3;
  int ATOM_PRECEDENCE = 5;

  /** How tightly this node holds together when printed; used to place parentheses. */
  default int precedence() {
    if (this instanceof Binary) {
      return ((Binary) this).op().precedence();
    }
    return this instanceof Negate ? NEGATE_PRECEDENCE : ATOM_PRECEDENCE;
  }

  /** True if no variable occurs in this tree: it evaluates to one number. */
  default boolean isConstant() {
    if (this instanceof Variable) {
      return false;
    }
    if (this instanceof Negate) {
      return ((Negate) this).operand().isConstant();
    }
    if (this instanceof Binary) {
      return ((Binary) this).left().isConstant() && ((Binary) this).right().isConstant();
    }
    if (this instanceof Call) {
      return ((Call) this).args().stream().allMatch(Node::isConstant);
    }
    return true;
  }

  /** A non-negative number as written: {@code 2}, {@code 1e-4}, {@code .5}. Negative numbers are {@link Negate}d. */
  final class Literal implements Node {
    private final double value;
    private final int start;
    private final int end;

    Literal(double value, int start, int end) {
      checkArgument(value >= 0 && Double.isFinite(value),
          "a number literal is finite and non-negative (write -x as a Negate), got %s", value);
      this.value = value;
      this.start = start;
      this.end = end;
    }

    public double value() {
      return value;
    }

    @Override public int depth() { return 1; }
    @Override public int start() { return start; }
    @Override public int end() { return end; }

    @Override
    public boolean equals(Object o) {
      // compare, not ==, so that equality is reflexive for every double; literals are never NaN anyway.
      return o instanceof Literal && Double.compare(((Literal) o).value, value) == 0;
    }

    @Override
    public int hashCode() {
      return Double.hashCode(value);
    }

    @Override
    public String toString() {
      return Printer.number(value);
    }
  }

  /** A name to be bound to a tensor: {@code x}, {@code w1}, {@code hidden.weight}. */
  final class Variable implements Node {
    private final String name;
    private final int start;
    private final int end;

    Variable(String name, int start, int end) {
      checkArgument(Lexer.isName(name), "not a variable name: '%s' (letters, digits, '_', and '.' between parts;"
          + " starts with a letter or '_')", name);
      checkArgument(Builtin.named(name).isEmpty(), "'%s' is a function name, not a variable", name);
      this.name = name;
      this.start = start;
      this.end = end;
    }

    public String name() {
      return name;
    }

    @Override public int depth() { return 1; }
    @Override public int start() { return start; }
    @Override public int end() { return end; }

    @Override
    public boolean equals(Object o) {
      return o instanceof Variable && ((Variable) o).name.equals(name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Unary minus. */
  final class Negate implements Node {
    private final Node operand;
    private final int depth;
    private final int start;
    private final int end;

    Negate(Node operand, int start, int end) {
      this.operand = checkNotNull(operand);
      this.depth = operand.depth() + 1;
      this.start = start;
      this.end = end;
    }

    public Node operand() {
      return operand;
    }

    @Override public int depth() { return depth; }
    @Override public int start() { return start; }
    @Override public int end() { return end; }

    @Override
    public boolean equals(Object o) {
      return o instanceof Negate && ((Negate) o).operand.equals(operand);
    }

    @Override
    public int hashCode() {
      return 31 * operand.hashCode() + 1;
    }

    @Override
    public String toString() {
      return Printer.print(this);
    }
  }

  /** {@code left op right}. For {@code ^} the right side is a constant (see {@link Expression}). */
  final class Binary implements Node {
    private final Operator op;
    private final Node left;
    private final Node right;
    private final int depth;
    private final int start;
    private final int end;

    Binary(Operator op, Node left, Node right, int start, int end) {
      this.op = checkNotNull(op);
      this.left = checkNotNull(left);
      this.right = checkNotNull(right);
      checkArgument(op != Operator.POW || right.isConstant(),
          "the exponent of '^' must be a constant, got %s", right);
      checkArgument(op != Operator.MATMUL || !left.isConstant() && !right.isConstant(),
          "an operand of '@' is a constant, which is a scalar, and matmul needs vectors or matrices: %s @ %s", left, right);
      this.depth = Math.max(left.depth(), right.depth()) + 1;
      this.start = start;
      this.end = end;
    }

    public Operator op() {
      return op;
    }

    public Node left() {
      return left;
    }

    public Node right() {
      return right;
    }

    @Override public int depth() { return depth; }
    @Override public int start() { return start; }
    @Override public int end() { return end; }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Binary)) {
        return false;
      }
      Binary b = (Binary) o;
      return b.op == op && b.left.equals(left) && b.right.equals(right);
    }

    @Override
    public int hashCode() {
      return Objects.hash(op, left, right);
    }

    @Override
    public String toString() {
      return Printer.print(this);
    }
  }

  /** A call of a {@link Builtin} function. */
  final class Call implements Node {
    private final Builtin function;
    private final List<Node> args;
    private final int depth;
    private final int start;
    private final int end;

    Call(Builtin function, List<Node> args, int start, int end) {
      this.function = checkNotNull(function);
      this.args = List.copyOf(args);
      checkArgument(this.args.size() == function.arity(), "%s takes %s argument(s), got %s",
          function.signature(), function.arity(), this.args.size());
      for (int i = function.tensors(); i < this.args.size(); i++) {
        checkArgument(wholeNumber(this.args.get(i)) != null, "%s: %s is a whole number such as 0 or -1, got %s",
            function.signature(), function.ints().get(i - function.tensors()), this.args.get(i));
      }
      this.depth = this.args.stream().mapToInt(Node::depth).max().orElse(0) + 1;
      this.start = start;
      this.end = end;
    }

    public Builtin function() {
      return function;
    }

    /**
     * The value of an integer argument as written, {@code 2} or {@code -1} (a literal, or the negation
     * of one), or null for any other tree: an axis is part of the call, not a value computed by the
     * expression.
     */
    static Integer wholeNumber(Node arg) {
      boolean negated = arg instanceof Negate;
      Node n = negated ? ((Negate) arg).operand() : arg;
      if (!(n instanceof Literal)) {
        return null;
      }
      double v = ((Literal) n).value();
      if (v != Math.rint(v) || v > Integer.MAX_VALUE) {
        return null;
      }
      return negated ? -(int) v : (int) v;
    }

    /** The integer arguments, after the tensors. */
    int[] ints() {
      int[] out = new int[args.size() - function.tensors()];
      for (int i = 0; i < out.length; i++) {
        out[i] = wholeNumber(args.get(function.tensors() + i));
      }
      return out;
    }

    public List<Node> args() {
      return args;
    }

    @Override public int depth() { return depth; }
    @Override public int start() { return start; }
    @Override public int end() { return end; }

    @Override
    public boolean equals(Object o) {
      return o instanceof Call && ((Call) o).function == function && ((Call) o).args.equals(args);
    }

    @Override
    public int hashCode() {
      return 31 * function.hashCode() + args.hashCode();
    }

    @Override
    public String toString() {
      return Printer.print(this);
    }
  }
}
