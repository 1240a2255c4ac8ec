package io.quorumkv.planner.sql;

import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.parser.ast.TableRef;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.rules.QkvRules;
import io.quorumkv.planner.schema.CatalogReader;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableInterpretable;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.PruneEmptyRules;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql2rel.ConvertToChecked;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;

/**
 * Plans a SELECT: translates it into relational algebra, lets Calcite's cost-based planner choose
 * among the QKV access paths and the Enumerable operators, and compiles the chosen plan into Java
 * code once (Janino), so executing a prepared query only binds parameters and reads rows.
 * Stateless; each call plans afresh (the executor caches the results).
 */
public final class QueryPlanner {

  /**
   * Operators over an input known to be empty become empty themselves, except where they still
   * produce rows: a global aggregate (COUNT(*) of nothing is one row) and the outer side of an
   * outer join (Calcite pads it with NULLs instead).
   */
  static final List<RelOptRule> PRUNE_EMPTY_RULES =
      List.of(
          PruneEmptyRules.PROJECT_INSTANCE,
          PruneEmptyRules.FILTER_INSTANCE,
          PruneEmptyRules.SORT_INSTANCE,
          PruneEmptyRules.SORT_FETCH_ZERO_INSTANCE,
          PruneEmptyRules.AGGREGATE_INSTANCE,
          PruneEmptyRules.JOIN_LEFT_INSTANCE,
          PruneEmptyRules.JOIN_RIGHT_INSTANCE);

  /**
   * The rules the planner may use: ours, Calcite's Enumerable ones, filter push-downs, and the
   * pruning of operators over empty inputs.
   */
  static final List<RelOptRule> RULES = rules();

  private static List<RelOptRule> rules() {
    List<RelOptRule> rules = new ArrayList<>(QkvRules.RULES);
    // Enumerable projections and filters cannot generate code (Calcite implements them as Calc),
    // so they become Calcs, which also fuses each filter with the projection above it.
    for (RelOptRule r : EnumerableRules.ENUMERABLE_RULES) {
      if (r != EnumerableRules.ENUMERABLE_PROJECT_RULE
          && r != EnumerableRules.ENUMERABLE_FILTER_RULE) {
        rules.add(r);
      }
    }
    rules.add(CoreRules.PROJECT_TO_CALC);
    rules.add(CoreRules.FILTER_TO_CALC);
    rules.add(CoreRules.CALC_MERGE);
    rules.add(EnumerableRules.ENUMERABLE_CALC_RULE);
    rules.add(EnumerableRules.ENUMERABLE_LIMIT_SORT_RULE);
    rules.add(CoreRules.FILTER_INTO_JOIN);
    rules.add(CoreRules.JOIN_CONDITION_PUSH);
    rules.add(CoreRules.FILTER_PROJECT_TRANSPOSE);
    rules.add(CoreRules.FILTER_MERGE);
    rules.add(CoreRules.PROJECT_MERGE);
    rules.add(CoreRules.PROJECT_REMOVE);
    rules.add(CoreRules.AGGREGATE_REDUCE_FUNCTIONS);
    rules.add(CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES);
    // Empty Values can also appear during cost-based planning (a join condition pushed into one
    // side may prove it empty); the same rules prune what they can there. See PRUNE_EMPTY.
    rules.addAll(PRUNE_EMPTY_RULES);
    return List.copyOf(rules);
  }

  /**
   * Collapses what the translated query proves empty before cost-based planning. A predicate no row
   * can satisfy (a NOT NULL key column IS NULL) makes the translator's RelBuilder replace the scan
   * with empty Values. Empty Values count as sorted on every column, so the operators above them
   * derive orders, and are registered wanting inputs in orders, that no Enumerable operator over
   * the Values provides (Volcano has no sort enforcer here): {@code CannotPlanException}, e.g. for
   * a Sort over a Project of such Values. With everything above the empty input pruned first, only
   * Values (or a global aggregate over them) are left to plan.
   */
  private static final HepProgram PRUNE_EMPTY =
      new HepProgramBuilder()
          .addMatchOrder(HepMatchOrder.BOTTOM_UP)
          .addRuleCollection(PRUNE_EMPTY_RULES)
          .build();

  /**
   * Calcite prints a string literal whose character set is not its JVM-wide default (ISO-8859-1)
   * with the set's name, {@code _UTF-8'a'}; every literal of ours is UTF-8 (see {@link
   * UnicodeTypeFactory}), so EXPLAIN leaves the name out.
   */
  private static final Pattern UTF8_PREFIX = Pattern.compile("(?<![\\w'])_UTF-8'");

  /** Rewrites IN, EXISTS and scalar subqueries in filters, projections and joins. */
  private static final HepProgram SUBQUERY_REMOVAL =
      new HepProgramBuilder()
          .addRuleCollection(
              List.of(
                  CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
                  CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE,
                  CoreRules.JOIN_SUB_QUERY_TO_CORRELATE))
          .build();

  private QueryPlanner() {}

  /**
   * Plans a SELECT statement (with its conditional-read {@code IF}, if any).
   *
   * @param params receives the inferred parameter types
   * @throws QueryException if the query does not fit the schema
   */
  public static PlannedQuery plan(Select select, CatalogReader catalog, ParameterTypes params) {
    Query query = select.query();
    if (select.condition().isPresent()) {
      query = conditionalRead(select, catalog);
    }
    return plan(query, catalog, params);
  }

  /** Plans a query (the source of INSERT ... SELECT, or a SELECT). */
  public static PlannedQuery plan(Query query, CatalogReader catalog, ParameterTypes params) {
    JavaTypeFactoryImpl typeFactory = new UnicodeTypeFactory(SqlTypes.TYPE_SYSTEM);
    VolcanoPlanner planner = new VolcanoPlanner();
    planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
    planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
    RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
    RelBuilder builder =
        RelBuilder.proto(Contexts.of(RelBuilder.Config.DEFAULT.withSimplify(false)))
            .create(cluster, null);
    QueryTranslator translator = new QueryTranslator(catalog, builder, params);
    QueryTranslator.Translated t = translator.translate(query);

    for (RelOptRule rule : RULES) {
      planner.addRule(rule);
    }
    RelNode translated = t.rel();
    if (translator.hasSubqueries()) {
      // Subqueries in expressions become joins and aggregates, which the planner has operators for.
      HepPlanner rewrite = new HepPlanner(SUBQUERY_REMOVAL);
      rewrite.setRoot(translated);
      translated = RelDecorrelator.decorrelateQuery(rewrite.findBestExp(), builder);
    }
    // Exact arithmetic fails on overflow instead of wrapping around, as on the write path.
    RelNode logical = translated.accept(new ConvertToChecked(cluster.getRexBuilder(), true));
    HepPlanner prune = new HepPlanner(PRUNE_EMPTY);
    prune.setRoot(logical);
    logical = prune.findBestExp();
    RelTraitSet required = logical.getTraitSet().replace(EnumerableConvention.INSTANCE);
    if (query.orderBy().isEmpty()) {
      // Without ORDER BY no order is promised. Requiring the order Calcite derives would fail for
      // plans it proves empty (a NOT NULL key column IS NULL becomes empty Values, which count as
      // sorted every way), since nothing else can provide that order without a sort.
      required = required.replace(RelCollations.EMPTY);
    }
    planner.setRoot(planner.changeTraits(logical, required));
    RelNode best;
    try {
      best = planner.findBestExp();
    } catch (RelOptPlanner.CannotPlanException e) {
      throw new QueryException(
          QueryException.FEATURE_NOT_SUPPORTED,
          "this query cannot be planned with the operators QuorumKV has",
          query.pos().line(),
          query.pos().column(),
          0,
          e);
    }

    Map<String, Object> stash = new HashMap<>();
    Bindable<?> bindable =
        EnumerableInterpretable.toBindable(
            stash, null, (EnumerableRel) best, EnumerableRel.Prefer.ARRAY);
    List<QueryColumn> columns = new ArrayList<>();
    List<RelDataTypeField> fields = best.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      columns.add(
          new QueryColumn(
              t.names().get(i),
              SqlTypes.columnType(fields.get(i).getType()),
              fields.get(i).getType().isNullable()));
    }
    String explain =
        UTF8_PREFIX
            .matcher(RelOptUtil.toString(best, SqlExplainLevel.EXPPLAN_ATTRIBUTES).strip())
            .replaceAll("'");
    return new PlannedQuery(
        columns,
        List.copyOf(translator.tables()),
        explain,
        bindable,
        Map.copyOf(stash),
        typeFactory);
  }

  /**
   * {@code SELECT ... FROM t WHERE <full key> IF cond}: the row comes back only if the condition
   * holds, so the condition joins the WHERE clause; it must name one table and its whole key.
   */
  private static Query conditionalRead(Select select, CatalogReader catalog) {
    Query q = select.query();
    Expression cond = select.condition().orElseThrow();
    if (q.isCompound() || !(q.from().orElse(null) instanceof TableRef ref) || q.where().isEmpty()) {
      throw QueryException.at(
          cond.pos(),
          QueryException.INVALID_STATEMENT,
          "SELECT ... IF reads one row: FROM one table, WHERE its whole primary key");
    }
    Optional<TableDef> table = catalog.table(ref.name().value());
    if (table.isPresent()) {
      List<String> bound = new ArrayList<>();
      collectKeyEqualities(q.where().get(), bound);
      for (int k : table.get().primaryKey()) {
        String name = table.get().columns().get(k).name();
        if (!bound.contains(name)) {
          throw QueryException.at(
              q.where().get().pos(),
              QueryException.INVALID_STATEMENT,
              "SELECT ... IF needs the whole primary key in WHERE as column = value; "
                  + "primary key column "
                  + name
                  + " is missing");
        }
      }
    }
    Expression where = new Binary(cond.pos(), Binary.Operator.AND, q.where().get(), cond);
    return new Query(
        q.pos(),
        q.distinct(),
        q.items(),
        q.from(),
        Optional.of(where),
        q.groupBy(),
        q.having(),
        q.orderBy(),
        q.limit(),
        q.offset());
  }

  private static void collectKeyEqualities(Expression e, List<String> out) {
    if (e instanceof Binary b && b.operator() == Binary.Operator.AND) {
      collectKeyEqualities(b.left(), out);
      collectKeyEqualities(b.right(), out);
    } else if (e instanceof Binary b && b.operator() == Binary.Operator.EQUAL) {
      if (b.left() instanceof ColumnRef c && !(b.right() instanceof ColumnRef)) {
        out.add(c.column().value());
      } else if (b.right() instanceof ColumnRef c && !(b.left() instanceof ColumnRef)) {
        out.add(c.column().value());
      }
    }
  }
}
