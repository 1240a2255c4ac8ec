/** The interactive SQL shell (issue 5; to be filled). */
package io.quorumkv.shell;
