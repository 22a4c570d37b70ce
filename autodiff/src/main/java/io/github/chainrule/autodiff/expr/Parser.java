package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.expr.Lexer.Kind;
import io.github.chainrule.autodiff.expr.Lexer.Token;
import io.github.chainrule.autodiff.expr.Node.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Recursive descent, one method per precedence level, lowest first:
 *
 * <pre>
 * expression := term (('+' | '-') term)*
 * term       := unary (('*' | '/' | '@') unary)*     '@' is the matrix product, as in Python
 * unary      := '-' unary | power
 * power      := primary ('^' unary)?          right-associative; -x^2 is -(x^2), 2^-1 is allowed
 * primary    := NUMBER | NAME | NAME '(' expression (',' expression)* ')' | '(' expression ')'
 * </pre>
 *
 * A function's integer parameters (an axis) are arguments that must be whole numbers as written:
 * {@code 2}, {@code -1}, {@code (0)}; anything else is refused at the argument's first character.
 *
 * Two limits keep hostile input harmless: the nesting of the grammar's recursion (parentheses,
 * calls, unary minus, exponents), which bounds the parser's own stack, and the depth of the finished
 * tree (long chains such as {@code a+a+...+a} are parsed by loops but make deep trees), which bounds
 * the stack of everything that later walks the tree.
 */
final class Parser {
  private final String src;
  private final Lexer lexer;
  private Token token;
  private Token previous;
  private int nesting;

  private Parser(String src) {
    this.src = src;
    this.lexer = new Lexer(src);
  }

  static Node parse(String src) {
    if (src.length() > Expression.MAX_LENGTH) {
      throw new ParseException(src, Expression.MAX_LENGTH, "expression is too long: " + src.length()
          + " characters, the limit is " + Expression.MAX_LENGTH);
    }
    Parser parser = new Parser(src);
    parser.advance();
    if (parser.token.kind == Kind.END) {
      throw new ParseException(src, 0, "empty expression, expected an operand");
    }
    Node root = parser.expression().node;
    parser.expectEnd();
    return root;
  }

  /** A node and the text it spans including any parentheses around it, for the spans of its parents. */
  private static final class Parsed {
    final Node node;
    final int start;
    final int end;

    Parsed(Node node, int start, int end) {
      this.node = node;
      this.start = start;
      this.end = end;
    }
  }

  private Parsed expression() {
    Parsed left = term();
    while (token.kind == Kind.PLUS || token.kind == Kind.MINUS) {
      Token op = advance();
      Parsed right = term();
      left = binary(op, op.kind == Kind.PLUS ? Operator.ADD : Operator.SUB, left, right);
    }
    return left;
  }

  private Parsed term() {
    Parsed left = unary();
    while (token.kind == Kind.STAR || token.kind == Kind.SLASH || token.kind == Kind.AT) {
      Token op = advance();
      Parsed right = unary();
      if (op.kind == Kind.AT) {
        checkMatmulOperand(left, op);
        checkMatmulOperand(right, op);
      }
      Operator operator = op.kind == Kind.STAR ? Operator.MUL : op.kind == Kind.SLASH ? Operator.DIV : Operator.MATMUL;
      left = binary(op, operator, left, right);
    }
    return left;
  }

  /** A constant is a scalar wherever it appears, and no scalar is a valid operand of matmul: say so now, not at build time. */
  private void checkMatmulOperand(Parsed operand, Token at) {
    if (operand.node.isConstant()) {
      throw new ParseException(src, operand.start, "'" + Lexer.abbreviate(src.substring(operand.start, operand.end))
          + "' is a number, and '@' (matrix product) needs a vector or a matrix on each side; to scale, write '*'");
    }
  }

  private Parsed unary() {
    if (token.kind != Kind.MINUS) {
      return power();
    }
    Token minus = advance();
    enter(minus);
    Parsed operand = unary();
    leave();
    Node node = checkDepth(new Node.Negate(operand.node, minus.start, operand.end), minus);
    return new Parsed(node, minus.start, operand.end);
  }

  private Parsed power() {
    Parsed base = primary();
    if (token.kind != Kind.CARET) {
      return base;
    }
    Token caret = advance();
    enter(caret);
    Parsed exponent = unary();
    leave();
    if (!exponent.node.isConstant()) {
      throw new ParseException(src, exponent.start, "the exponent of '^' must be a constant, such as 2, -0.5"
          + " or (1/3); for a variable exponent y write exp(y*log(x))");
    }
    return binary(caret, Operator.POW, base, exponent);
  }

  private Parsed primary() {
    Token t = token;
    switch (t.kind) {
      case NUMBER:
        advance();
        return new Parsed(new Node.Literal(t.value, t.start, t.end), t.start, t.end);
      case NAME:
        advance();
        return token.kind == Kind.LPAREN ? call(t) : variable(t);
      case LPAREN: {
        advance();
        enter(t);
        Parsed inner = expression();
        leave();
        if (token.kind != Kind.RPAREN) {
          throw error(token, "expected ')' to close '(' at column " + column(t) + ", found " + token.describe());
        }
        Token close = advance();
        return new Parsed(inner.node, t.start, close.end);
      }
      default:
        throw error(t, unexpectedInsteadOfOperand(t));
    }
  }

  private Parsed variable(Token name) {
    if (Builtin.named(name.text).isPresent()) {
      throw error(name, "'" + name.text + "' is a function; call it as " + name.text + "(...)");
    }
    return new Parsed(new Node.Variable(name.text, name.start, name.end), name.start, name.end);
  }

  private Parsed call(Token name) {
    List<Builtin> overloads = Builtin.overloads(name.text);
    if (overloads.isEmpty()) {
      throw error(name, unknownFunction(name.text));
    }
    int most = overloads.stream().mapToInt(Builtin::arity).max().getAsInt();
    Token open = advance();
    enter(open);
    List<Parsed> args = new ArrayList<>();
    if (token.kind != Kind.RPAREN) {
      args.add(expression());
      while (token.kind == Kind.COMMA) {
        advance();
        args.add(expression());
      }
    }
    leave();
    if (token.kind != Kind.RPAREN) {
      String expected = args.size() < most ? "expected ',' or ')'" : "expected ')'";
      throw error(token, expected + " to close '(' at column " + column(open) + ", found " + token.describe());
    }
    Token close = advance();
    Builtin function = Builtin.named(name.text, args.size()).orElseThrow(() -> error(name,
        (overloads.size() == 1 ? overloads.get(0).signature() + " takes " + arguments(most)
            : name.text + " takes "
                + overloads.stream().map(b -> String.valueOf(b.arity())).collect(Collectors.joining(" or "))
                + " arguments (" + Builtin.signatures(name.text) + ")") + ", got " + args.size()));
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Parsed arg = args.get(i);
      if (i >= function.tensors() && Node.Call.wholeNumber(arg.node) == null) {
        String param = function.ints().get(i - function.tensors());
        throw new ParseException(src, arg.start, "in " + function.signature() + ", " + param
            + " is a whole number written as one, such as 0 or -1; found '"
            + Lexer.abbreviate(src.substring(arg.start, arg.end)) + "'");
      }
      nodes.add(arg.node);
    }
    Node node = checkDepth(new Node.Call(function, nodes, name.start, close.end), name);
    return new Parsed(node, name.start, close.end);
  }

  private static String arguments(int n) {
    return n == 1 ? "1 argument" : n + " arguments";
  }

  private Parsed binary(Token op, Operator operator, Parsed left, Parsed right) {
    Node node = checkDepth(new Node.Binary(operator, left.node, right.node, left.start, right.end), op);
    return new Parsed(node, left.start, right.end);
  }

  private void expectEnd() {
    if (token.kind == Kind.END) {
      return;
    }
    switch (token.kind) {
      case RPAREN:
        throw error(token, "unexpected ')' with no matching '('");
      case COMMA:
        throw error(token, "unexpected ',' outside a function call");
      default:
        boolean juxtaposed = (previous.kind == Kind.NAME || previous.kind == Kind.NUMBER)
            && (token.kind == Kind.NAME || token.kind == Kind.NUMBER);
        throw error(token, "unexpected " + token.describe() + ", expected an operator (+ - * / @ ^) or end of input"
            + (juxtaposed ? "; to multiply write '" + Lexer.abbreviate(previous.text) + "*" + Lexer.abbreviate(token.text) + "'" : ""));
    }
  }

  private String unexpectedInsteadOfOperand(Token t) {
    if (t.kind == Kind.END) {
      return "unexpected end of input, expected an operand";
    }
    String message = "unexpected " + t.describe() + ", expected an operand (a number, a name, '(' or '-')";
    if (t.kind == Kind.STAR && previous != null && previous.kind == Kind.STAR && previous.end == t.start) {
      message += "; use '^' for powers";
    }
    return message;
  }

  private static String unknownFunction(String name) {
    Optional<Builtin> nearest = Builtin.nearest(name);
    return "unknown function '" + Lexer.abbreviate(name) + "'; "
        + nearest.map(b -> "did you mean '" + b.text() + "'?").orElse("known functions: " + Builtin.list());
  }

  // ---------------------------------------------------------------- tokens and limits

  private Token advance() {
    previous = token;
    token = lexer.next();
    return previous;
  }

  private void enter(Token at) {
    if (++nesting > Expression.MAX_NESTING) {
      throw error(at, "expression nests too deeply: more than " + Expression.MAX_NESTING
          + " levels of parentheses, calls, unary minus or exponents");
    }
  }

  private void leave() {
    nesting--;
  }

  private Node checkDepth(Node node, Token at) {
    if (node.depth() > Expression.MAX_DEPTH) {
      throw error(at, "expression is too deep: more than " + Expression.MAX_DEPTH
          + " operations applied one to the result of another; split it into smaller expressions");
    }
    return node;
  }

  private int column(Token t) {
    return ParseException.column(src, t.start);
  }

  private ParseException error(Token at, String reason) {
    return new ParseException(src, at.start, reason);
  }
}
