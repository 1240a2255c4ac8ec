package io.quorumkv.planner.rules;

import io.quorumkv.planner.rel.AccessPath;
import io.quorumkv.planner.rel.QkvRel;
import io.quorumkv.planner.rel.QkvTableScan;
import io.quorumkv.planner.rel.QkvToEnumerableConverter;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * The planner rules of the QKV convention, as constants (the shape of Calcite's adapters): push a
 * filter's key predicates into the scan below it, and hand scans to the Enumerable convention.
 */
public final class QkvRules {

  private QkvRules() {}

  /** Pushes key predicates of a filter into the {@link QkvTableScan} below it. */
  public static final RelOptRule FILTER_SCAN = FilterScanConfig.DEFAULT.toRule();

  /** Converts a QKV node into the Enumerable convention. */
  public static final RelOptRule TO_ENUMERABLE =
      ConverterRule.Config.INSTANCE
          .withConversion(
              RelNode.class,
              (RelNode r) -> r instanceof QkvRel,
              QkvRel.CONVENTION,
              EnumerableConvention.INSTANCE,
              "QkvToEnumerableConverterRule")
          .withRuleFactory(ToEnumerableRule::new)
          .toRule();

  /** Every rule of this convention. */
  public static final List<RelOptRule> RULES = List.of(FILTER_SCAN, TO_ENUMERABLE);

  /**
   * Rewrites {@code Filter(cond, Scan)} as {@code Filter(remaining, Scan[key condition])} when the
   * condition constrains the key.
   */
  public static final class FilterScanRule extends RelRule<FilterScanConfig> {

    FilterScanRule(FilterScanConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      Filter filter = call.rel(0);
      QkvTableScan scan = call.rel(1);
      KeyConditionTranslator.Split split =
          KeyConditionTranslator.split(scan.table(), filter.getCondition());
      if (split.condition().path() == AccessPath.FULL_SCAN) {
        return;
      }
      RelBuilder b = call.builder();
      b.push(scan.withCondition(split.condition()));
      b.filter(split.remaining());
      call.transformTo(b.build());
    }
  }

  /** The configuration of {@link FilterScanRule}, written out as Calcite's generated ones are. */
  public static final class FilterScanConfig implements RelRule.Config {

    static final FilterScanConfig DEFAULT =
        new FilterScanConfig(
            RelFactoriesHolder.LOGICAL,
            "QkvFilterScanRule",
            b0 ->
                b0.operand(LogicalFilter.class)
                    .oneInput(
                        b1 ->
                            b1.operand(QkvTableScan.class)
                                .predicate(s -> s.condition().path() == AccessPath.FULL_SCAN)
                                .noInputs()));

    private final RelBuilderFactory relBuilderFactory;
    private final String description;
    private final RelRule.OperandTransform operands;

    FilterScanConfig(
        RelBuilderFactory relBuilderFactory,
        String description,
        RelRule.OperandTransform operands) {
      this.relBuilderFactory = relBuilderFactory;
      this.description = description;
      this.operands = operands;
    }

    @Override
    public RelOptRule toRule() {
      return new FilterScanRule(this);
    }

    @Override
    public RelBuilderFactory relBuilderFactory() {
      return relBuilderFactory;
    }

    @Override
    public FilterScanConfig withRelBuilderFactory(RelBuilderFactory factory) {
      return new FilterScanConfig(factory, description, operands);
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public FilterScanConfig withDescription(String d) {
      return new FilterScanConfig(relBuilderFactory, d, operands);
    }

    @Override
    public RelRule.OperandTransform operandSupplier() {
      return operands;
    }

    @Override
    public FilterScanConfig withOperandSupplier(RelRule.OperandTransform transform) {
      return new FilterScanConfig(relBuilderFactory, description, transform);
    }
  }

  /** Builds {@link QkvToEnumerableConverter}s. */
  static final class ToEnumerableRule extends ConverterRule {
    ToEnumerableRule(ConverterRule.Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new QkvToEnumerableConverter(
          rel.getCluster(), rel.getTraitSet().replace(EnumerableConvention.INSTANCE), rel);
    }
  }

  /** The RelBuilder factory of the rules. */
  private static final class RelFactoriesHolder {
    static final RelBuilderFactory LOGICAL =
        RelBuilder.proto(org.apache.calcite.plan.Contexts.empty());
  }
}
