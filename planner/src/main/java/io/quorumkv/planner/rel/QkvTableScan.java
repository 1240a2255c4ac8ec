package io.quorumkv.planner.rel;

import io.quorumkv.planner.schema.TableDef;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Reads one table's rows from the store by the access path of its {@link KeyCondition}. Its row is
 * every column of the table (the hidden row id included) followed by {@code _VERSION}. Only the key
 * condition is pushed into it; other predicates stay in a filter above it, which Calcite fuses with
 * the projection into one calculation over the rows the scan produces.
 */
public final class QkvTableScan extends AbstractRelNode implements QkvRel {

  /** A guess at a table's size, for costing only: the store keeps no statistics. */
  static final double TABLE_ROWS = 10_000;

  private final TableDef table;
  private final KeyCondition condition;
  private final RelDataType type;

  /** A scan of {@code table} with row type {@code type}. */
  public QkvTableScan(
      RelOptCluster cluster,
      RelTraitSet traits,
      TableDef table,
      RelDataType type,
      KeyCondition condition) {
    super(cluster, traits);
    this.table = table;
    this.type = type;
    this.condition = condition;
  }

  /** A full scan in the QKV convention. */
  public static QkvTableScan create(RelOptCluster cluster, TableDef table, RelDataType type) {
    return new QkvTableScan(
        cluster, cluster.traitSetOf(QkvRel.CONVENTION), table, type, KeyCondition.FULL);
  }

  /** The table read. */
  public TableDef table() {
    return table;
  }

  /** What the scan knows about the key. */
  public KeyCondition condition() {
    return condition;
  }

  /** This scan with another key condition. */
  public QkvTableScan withCondition(KeyCondition c) {
    return new QkvTableScan(getCluster(), getTraitSet(), table, type, c);
  }

  @Override
  protected RelDataType deriveRowType() {
    return type;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new QkvTableScan(getCluster(), traitSet, table, type, condition);
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return condition.estimateRows(TABLE_ROWS);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = estimateRowCount(mq);
    // A point read is one round trip; a scan pays per row. Make key access clearly cheaper so the
    // planner never prefers a full scan with a filter when a key path exists.
    double io =
        switch (condition.path()) {
          case PK_POINT_QUERY -> 1;
          case PK_MULTI_GET -> rows;
          case PK_RANGE_QUERY -> 2 + rows;
          case FULL_SCAN -> 10 + rows * 2;
        };
    return planner.getCostFactory().makeCost(rows, io, io);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("table", table.name())
        .item("access", condition.path())
        .itemIf("key", condition.describe(table), condition.path() != AccessPath.FULL_SCAN);
  }
}
