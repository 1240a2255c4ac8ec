package io.quorumkv.planner.schema;

import java.util.List;
import java.util.Optional;

/**
 * What planning needs of the catalog: table definitions by name. Implemented by the executor over
 * the catalog it keeps in the replicated store. Implementations are thread-safe; each call reflects
 * every schema change acknowledged before it.
 */
public interface CatalogReader {

  /** The table with exactly this name (names are case-sensitive once parsed), if it exists. */
  Optional<TableDef> table(String name);

  /** Every table, ordered by name. */
  List<TableDef> tables();
}
