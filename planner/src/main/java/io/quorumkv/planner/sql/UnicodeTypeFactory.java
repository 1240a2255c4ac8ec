package io.quorumkv.planner.sql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataTypeSystem;

/**
 * Calcite's Java type factory with UTF-8 as the character set of every VARCHAR type and string
 * literal. Calcite's default is ISO-8859-1 (its {@code calcite.default.charset} system property),
 * in which a literal such as {@code '日本'} cannot be encoded; setting the JVM-wide property would
 * change every Calcite user in the process, so the planner uses this factory instead. One per plan,
 * as Calcite's own; not thread-safe beyond what Calcite's factories are.
 */
final class UnicodeTypeFactory extends JavaTypeFactoryImpl {

  UnicodeTypeFactory(RelDataTypeSystem typeSystem) {
    super(typeSystem);
  }

  @Override
  public Charset getDefaultCharset() {
    return StandardCharsets.UTF_8;
  }
}
