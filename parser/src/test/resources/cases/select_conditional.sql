-- Conditional reads: rows come back only if the condition holds.
SELECT * FROM accounts WHERE id = ? IF _version > ?;
SELECT balance FROM accounts WHERE region = 'eu' AND id = 1 IF balance > 0 OR note IS NOT NULL
