/** Cross-module and multi-process tests. */
package io.quorumkv.tests;
