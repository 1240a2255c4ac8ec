package io.quorumkv.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class QuorumUrlTest {

  @Test
  void parsesSeedsSchemaAndOptions() throws SQLException {
    QuorumUrl url =
        QuorumUrl.parse(
            "jdbc:quorumkv://a:1,b,[::1]:3/quorumkv?requestTimeout=100&seedOrder=ordered", null);
    assertThat(url.seeds())
        .containsExactly(
            InetSocketAddress.createUnresolved("a", 1),
            InetSocketAddress.createUnresolved("b", QuorumUrl.DEFAULT_PORT),
            InetSocketAddress.createUnresolved("::1", 3));
    assertThat(url.schema()).isEqualTo("quorumkv");
    assertThat(url.intOption(QuorumUrl.REQUEST_TIMEOUT)).isEqualTo(100);
    assertThat(url.intOption(QuorumUrl.CONNECT_TIMEOUT)).isEqualTo(5000);
    assertThat(url.orderedSeeds()).isTrue();
  }

  @Test
  void propertiesOverrideUrlOptions() throws SQLException {
    Properties info = new Properties();
    info.setProperty("requestTimeout", "7");
    info.setProperty("user", "ada");
    QuorumUrl url = QuorumUrl.parse("jdbc:quorumkv://a:1?requestTimeout=100", info);
    assertThat(url.intOption(QuorumUrl.REQUEST_TIMEOUT)).isEqualTo(7);
    assertThat(url.orderedSeeds()).isFalse();
  }

  @Test
  void rejectsMalformedUrlsWith08001() {
    for (String bad :
        new String[] {
          "jdbc:quorumkv://",
          "jdbc:quorumkv://a:0",
          "jdbc:quorumkv://a:x",
          "jdbc:quorumkv://a:1,,b:2",
          "jdbc:quorumkv://[::1:5",
          "jdbc:quorumkv://a:1?nope=1",
          "jdbc:quorumkv://a:1?requestTimeout=-1",
          "jdbc:quorumkv://a:1?seedOrder=sideways",
          "jdbc:quorumkv://a:1?novalue",
          "jdbc:other://a:1",
        }) {
      SQLException e = catchThrowableOfType(SQLException.class, () -> QuorumUrl.parse(bad, null));
      assertThat((Object) e).as(bad).isNotNull();
      assertThat(e.getSQLState()).isEqualTo("08001");
    }
  }

  @Test
  void driverAcceptsOnlyItsPrefix() throws SQLException {
    QuorumDriver driver = new QuorumDriver();
    assertThat(driver.acceptsURL("jdbc:quorumkv://a:1")).isTrue();
    assertThat(driver.acceptsURL("jdbc:avatica:remote:url=x")).isFalse();
    assertThat(driver.connect("jdbc:postgresql://a/b", new Properties())).isNull();
  }
}
