package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The warm-up a node runs at start stays valid SQL as the dialect changes. */
class WarmUpTest {

  @Test
  void warmUpRunsEveryStatementWithoutError() {
    assertThatCode(SqlEngine::warmUp).doesNotThrowAnyException();
  }
}
