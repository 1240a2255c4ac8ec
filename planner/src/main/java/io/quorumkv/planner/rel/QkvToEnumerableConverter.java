package io.quorumkv.planner.rel;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Hands the rows of a {@link QkvTableScan} to Calcite's Enumerable operators: the generated code
 * calls {@link ScanRunner#enumerable} of the scan's stashed {@link ScanRunner}.
 */
public final class QkvToEnumerableConverter extends ConverterImpl implements EnumerableRel {

  /** Converts {@code input} (a QKV node) into the Enumerable convention. */
  public QkvToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new QkvToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(0.1);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    QkvTableScan scan = (QkvTableScan) stripped(getInput());
    PhysType physType =
        PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
    Expression runner =
        implementor.stash(new ScanRunner(scan.table(), scan.condition()), ScanRunner.class);
    BlockBuilder block = new BlockBuilder();
    Expression rows =
        block.append("rows", Expressions.call(runner, "enumerable", DataContext.ROOT));
    block.add(Expressions.return_(null, rows));
    return implementor.result(physType, block.toBlock());
  }

  private static RelNode stripped(RelNode node) {
    return node instanceof org.apache.calcite.plan.volcano.RelSubset subset
        ? subset.getBest()
        : node.stripped();
  }
}
