package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ValueException;
import java.util.concurrent.CompletionException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.junit.jupiter.api.Test;

/** Every throwable a statement can end with maps to a SQLState, except the JVM's own failures. */
class SqlErrorsTest {

  private static AvaticaRuntimeException map(Throwable t) {
    return SqlErrors.toAvatica(t);
  }

  @Test
  void statementErrorsKeepStateAndMessage() {
    AvaticaRuntimeException a =
        map(
            new QueryException(
                QueryException.UNDEFINED_TABLE, "table X does not exist", 1, 15, 0, null));
    assertThat(a.getSqlState()).isEqualTo("42P01");
    assertThat(a.getErrorMessage()).isEqualTo("line 1:15: table X does not exist");
    assertThat(a.getErrorCode()).isEqualTo(SqlErrors.STATEMENT_ERROR);
    assertThat(
            map(new ValueException("string of 3 characters is too long for VARCHAR(2)"))
                .getSqlState())
        .isEqualTo("22001");
  }

  @Test
  void javaArithmeticIsADataError() {
    assertThat(map(new ArithmeticException("/ by zero")).getSqlState()).isEqualTo("22012");
    AvaticaRuntimeException overflow = map(new ArithmeticException("long overflow"));
    assertThat(overflow.getSqlState()).isEqualTo("22003");
    assertThat(overflow.getErrorMessage()).isEqualTo("numeric value out of range for BIGINT");
    assertThat(map(new ArithmeticException("integer overflow")).getErrorMessage())
        .isEqualTo("numeric value out of range for INTEGER");
    assertThat(map(new NumberFormatException("For input string: \"x\"")).getSqlState())
        .isEqualTo("22018");
    AvaticaRuntimeException constant =
        map(new ExceptionInInitializerError(new ArithmeticException("/ by zero")));
    assertThat(constant.getSqlState()).isEqualTo("22012");
    assertThat(constant.getErrorMessage()).isEqualTo("division by zero");
    assertThat(map(new CompletionException(new ArithmeticException("/ by zero"))).getSqlState())
        .isEqualTo("22012");
  }

  @Test
  void anythingElseIsAnInternalError() {
    AvaticaRuntimeException a = map(new AssertionError("planner invariant"));
    assertThat(a.getSqlState()).isEqualTo("XX000");
    assertThat(a.getErrorMessage())
        .isEqualTo("internal error: java.lang.AssertionError: planner invariant");
    assertThat(map(new IllegalStateException("x")).getSqlState()).isEqualTo("XX000");
    assertThat(map(new ExceptionInInitializerError(new IllegalStateException("y"))).getSqlState())
        .isEqualTo("XX000");
    assertThat(map(new NoClassDefFoundError("Baz$1")).getSqlState()).isEqualTo("XX000");
  }

  @Test
  void theJvmsOwnFailuresAreRethrown() {
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    assertThatThrownBy(() -> map(oom)).isSameAs(oom);
    StackOverflowError so = new StackOverflowError();
    assertThatThrownBy(() -> map(so)).isSameAs(so);
  }
}
