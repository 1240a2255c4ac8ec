package io.quorumkv.planner.sql;

import io.quorumkv.planner.rel.RowSource;
import io.quorumkv.planner.rel.ScanRunner;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.schema.SchemaPlus;

/**
 * What one execution of a compiled query reads at run time: parameter values ({@code ?0}, ...), the
 * objects the plan stashed, and the {@link RowSource}. One per execution.
 */
final class QueryContext implements DataContext {

  private final JavaTypeFactory typeFactory;
  private final Map<String, Object> stashed;
  private final Object[] params;
  private final RowSource source;
  private final AtomicBoolean cancel = new AtomicBoolean();

  QueryContext(
      JavaTypeFactory typeFactory, Map<String, Object> stashed, Object[] params, RowSource source) {
    this.typeFactory = typeFactory;
    this.stashed = stashed;
    this.params = params;
    this.source = source;
  }

  @Override
  public SchemaPlus getRootSchema() {
    return CalciteSchema.createRootSchema(false, false).plus();
  }

  @Override
  public JavaTypeFactory getTypeFactory() {
    return typeFactory;
  }

  @Override
  public QueryProvider getQueryProvider() {
    return null;
  }

  @Override
  public Object get(String name) {
    if (name.startsWith("?")) {
      return SqlTypes.internal(params[Integer.parseInt(name.substring(1))]);
    }
    if (name.equals(ScanRunner.ROW_SOURCE)) {
      return source;
    }
    if (name.equals(Variable.CANCEL_FLAG.camelName)) {
      return cancel;
    }
    if (name.equals(Variable.TIME_ZONE.camelName)) {
      return TimeZone.getTimeZone("UTC");
    }
    return stashed.get(name);
  }
}
