package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.expr.Node.Binary;
import io.github.chainrule.autodiff.expr.Node.Call;
import io.github.chainrule.autodiff.expr.Node.Negate;
import io.github.chainrule.autodiff.expr.Node.Operator;

/**
 * Canonical text for a tree, with the fewest parentheses that make it parse back to the same tree.
 * Left-associative operators keep parentheses on a right operand of equal precedence
 * ({@code a - (b - c)}, and also {@code a*(b*c)}, which is a different tree from {@code a*b*c});
 * {@code ^} is right-associative, so it needs them on its left instead ({@code (a^2)^3}). Spaces go
 * around {@code + - @}, none around {@code * / ^}: {@code W @ x + b}, {@code 2*x^2}.
 */
final class Printer {
  private Printer() {}

  static String print(Node node) {
    StringBuilder out = new StringBuilder();
    print(node, out);
    return out.toString();
  }

  private static void print(Node node, StringBuilder out) {
    if (node instanceof Negate) {
      out.append('-');
      operand(((Negate) node).operand(), node.precedence() > ((Negate) node).operand().precedence(), out);
    } else if (node instanceof Binary) {
      Binary b = (Binary) node;
      int p = b.op().precedence();
      if (b.op() == Operator.POW) {
        // The base is a primary; the exponent is a unary, so -2 and a^b need no parentheses there.
        operand(b.left(), b.left().precedence() <= p, out);
        out.append('^');
        operand(b.right(), b.right().precedence() < Node.NEGATE_PRECEDENCE, out);
      } else {
        operand(b.left(), b.left().precedence() < p, out);
        boolean spaced = p == 1 || b.op() == Operator.MATMUL;
        out.append(spaced ? " " + b.op().symbol() + " " : b.op().symbol());
        operand(b.right(), b.right().precedence() <= p, out);
      }
    } else if (node instanceof Call) {
      Call c = (Call) node;
      out.append(c.function().text()).append('(');
      for (int i = 0; i < c.args().size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        print(c.args().get(i), out);
      }
      out.append(')');
    } else {
      out.append(node);
    }
  }

  private static void operand(Node node, boolean parenthesise, StringBuilder out) {
    if (parenthesise) {
      out.append('(');
      print(node, out);
      out.append(')');
    } else {
      print(node, out);
    }
  }

  /** Integers as integers ({@code 2}, not {@code 2.0}); anything else in the shortest form that reads back exactly. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    // Double.toString reads back exactly; "1.0E-4" is shortened to "1e-4", which reads back the same.
    return Double.toString(value).replace(".0E", "e").replace('E', 'e');
  }
}
