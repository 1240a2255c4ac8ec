package io.quorumkv.parser.ast;

/** Any node of the syntax tree. Immutable; equality is structural and includes positions. */
public sealed interface Node
    permits Statement,
        Expression,
        Relation,
        SelectItem,
        InsertSource,
        WriteCondition,
        Identifier,
        ColumnDef,
        DataType,
        Assignment,
        SortItem,
        Case.When,
        SetOperation {

  /** Where the node starts in the source text. */
  SourcePos pos();
}
