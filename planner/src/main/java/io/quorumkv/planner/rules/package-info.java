/**
 * Planner rules of the QKV convention and the translation of filter predicates into key access
 * paths.
 */
package io.quorumkv.planner.rules;
