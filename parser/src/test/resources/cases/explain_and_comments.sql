/* A block comment
   spanning lines */
EXPLAIN SELECT * FROM accounts WHERE id = 1; -- trailing comment
explain UPDATE accounts SET balance = balance + 1 WHERE id = ? IF EXISTS;
EXPLAIN INSERT INTO t VALUES (1);;;
-- only a comment
EXPLAIN CREATE TABLE t (a INT)
