package io.quorumkv.server;

/**
 * A node config file is wrong: the message names the file, the line (when there is one), the key
 * and what was expected.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the file, line and key. */
  public ConfigException(String message) {
    super(message);
  }

  /** With a message naming the file, line and key, and the underlying cause. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
