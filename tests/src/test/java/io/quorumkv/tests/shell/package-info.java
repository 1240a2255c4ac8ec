/**
 * The shell driven as a person drives it: {@code bin/quorumkv local} in a tmux session, statements
 * typed with send-keys, the screen read with capture-pane.
 */
package io.quorumkv.tests.shell;
