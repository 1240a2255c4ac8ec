UPDATE accounts SET balance = balance - ? WHERE id = ? IF balance >= ?;
UPDATE accounts SET balance = 0, note = 'closed' WHERE id = 1 IF EXISTS;
UPDATE t SET v = 2, ver = ver + 1 WHERE id = 1 AND ver = 7;
UPDATE t SET v = v || '!';
UPDATE t SET v = 1 WHERE id = 1 IF _version = 42;
DELETE FROM accounts WHERE id = 1;
DELETE FROM accounts WHERE id = 1 IF EXISTS;
DELETE FROM accounts WHERE region = 'eu' AND id = 7 IF balance = 0 AND note IS NULL;
DELETE FROM accounts
