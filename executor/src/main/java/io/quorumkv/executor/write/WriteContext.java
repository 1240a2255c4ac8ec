package io.quorumkv.executor.write;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.KeyValueStore.RequestId;
import java.util.function.Supplier;

/**
 * What executing a write needs: the store, the catalog (for fresh definitions after a concurrent
 * schema change), request ids of the session, hidden row ids, and a way to run the query of {@code
 * INSERT ... SELECT}.
 *
 * @param store the store rows are written to
 * @param catalog the catalog
 * @param requestIds the session's request ids, one per store write
 * @param rowIds hidden row ids for key-less tables
 * @param queries runs queries for INSERT ... SELECT
 */
public record WriteContext(
    KeyValueStore store,
    StoreCatalog catalog,
    Supplier<RequestId> requestIds,
    RowIdAllocator rowIds,
    QueryRunner queries) {}
