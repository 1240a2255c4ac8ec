package io.quorumkv.parser;

import io.quorumkv.parser.ast.BinaryLiteral;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.Node;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.SourcePos;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Test helpers that walk any AST generically through record components (which are declared in
 * source order): an indented dump with positions for golden files, and a normalization that erases
 * positions and renumbers parameters, for comparing trees that came from different texts.
 */
final class AstTrees {

  static final SourcePos NO_POS = new SourcePos(1, 1);

  private AstTrees() {}

  /** An indented, position-annotated dump of a tree; false booleans and empty parts are omitted. */
  static String dump(Node node) {
    StringBuilder out = new StringBuilder();
    dumpNode(out, node, 0);
    return out.toString();
  }

  private static void dumpNode(StringBuilder out, Node node, int indent) {
    out.append(node.getClass().getSimpleName()).append(" @").append(node.pos());
    if (node instanceof Identifier identifier) {
      out.append(' ').append(quote(identifier.value())).append('\n');
      return;
    }
    if (node instanceof BinaryLiteral binary) {
      out.append(" X'").append(binary.hex()).append("'\n");
      return;
    }
    out.append('\n');
    for (RecordComponent component : node.getClass().getRecordComponents()) {
      if (component.getName().equals("pos")) {
        continue;
      }
      dumpValue(out, component.getName(), get(component, node), indent + 1);
    }
  }

  private static void dumpValue(StringBuilder out, String name, Object value, int indent) {
    if (value instanceof Optional<?> optional) {
      if (optional.isPresent()) {
        dumpValue(out, name, optional.get(), indent);
      }
      return;
    }
    if (value instanceof OptionalInt optional) {
      if (optional.isPresent()) {
        dumpValue(out, name, optional.getAsInt(), indent);
      }
      return;
    }
    if (value instanceof Boolean b && !b) {
      return;
    }
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return;
      }
      indent(out, indent).append(name.equals("-") ? "- row" : name).append(":\n");
      for (Object element : list) {
        dumpValue(out, "-", element, indent + 1);
      }
      return;
    }
    indent(out, indent).append(name.equals("-") ? "- " : name + ": ");
    if (value instanceof Node node) {
      dumpNode(out, node, indent);
    } else if (value instanceof String s) {
      out.append(quote(s)).append('\n');
    } else if (value instanceof BigDecimal d) {
      out.append(d.toPlainString()).append('\n');
    } else {
      out.append(value).append('\n');
    }
  }

  private static StringBuilder indent(StringBuilder out, int indent) {
    return out.append("  ".repeat(indent));
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }

  /**
   * The tree with every position replaced by 1:1 and the parameters renumbered 1, 2, ... in
   * component order (which is source order), so that trees parsed from different texts compare.
   */
  @SuppressWarnings("unchecked")
  static <T extends Node> T normalize(T node) {
    return (T) normalizeValue(node, new int[] {0});
  }

  private static Object normalizeValue(Object value, int[] parameters) {
    if (value instanceof SourcePos) {
      return NO_POS;
    }
    if (value instanceof Parameter) {
      return new Parameter(NO_POS, ++parameters[0]);
    }
    if (value instanceof Optional<?> optional) {
      return optional.map(v -> normalizeValue(v, parameters));
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object element : list) {
        out.add(normalizeValue(element, parameters));
      }
      return out;
    }
    if (value instanceof Record record) {
      RecordComponent[] components = record.getClass().getRecordComponents();
      Object[] args = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        args[i] = normalizeValue(get(components[i], record), parameters);
        types[i] = components[i].getType();
      }
      try {
        Constructor<?> constructor = record.getClass().getDeclaredConstructor(types);
        return constructor.newInstance(args);
      } catch (NoSuchMethodException
          | InstantiationException
          | IllegalAccessException
          | InvocationTargetException e) {
        throw new AssertionError("cannot rebuild " + record.getClass(), e);
      }
    }
    return value;
  }

  private static Object get(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot read " + component, e);
    }
  }
}
