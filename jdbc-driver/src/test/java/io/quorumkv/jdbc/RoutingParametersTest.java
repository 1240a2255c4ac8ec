package io.quorumkv.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.Meta;
import org.junit.jupiter.api.Test;

/** How the driver reads the key parameters a node marks in a prepared signature ({@code ?N#kS}). */
class RoutingParametersTest {

  private static Meta.Signature signature(String... names) {
    List<AvaticaParameter> params = new ArrayList<>();
    for (String name : names) {
      params.add(
          new AvaticaParameter(true, 19, 0, Types.BIGINT, "BIGINT", Long.class.getName(), name));
    }
    return new Meta.Signature(List.of(), "UPDATE t ...", params, Map.of(), null, null);
  }

  @Test
  void keyParametersInKeyOrder() {
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1", "?2#k0")))
        .containsExactly(1);
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1#k1", "?2", "?3#k0")))
        .containsExactly(2, 0);
  }

  @Test
  void noRoutingWithoutACompleteKey() {
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1", "?2"))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1#k1"))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1#k0", "?2#k0"))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1#kx"))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature("?1#k-1"))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature((String) null))).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(signature())).isNull();
    assertThat(QuorumPreparedStatement.routingParameters(null)).isNull();
  }
}
