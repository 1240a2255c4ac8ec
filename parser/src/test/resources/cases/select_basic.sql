SELECT * FROM accounts;
SELECT id, balance * 1.1 AS projected, region r FROM accounts WHERE balance > 100 ORDER BY balance DESC, id ASC LIMIT 10 OFFSET 20;
SELECT DISTINCT region FROM accounts;
SELECT a.*, b.x FROM a, b;
SELECT 1;
SELECT id, _version, a._version FROM accounts a WHERE id = ? LIMIT ? OFFSET ?;
SELECT "Quoted Col", "a""b", unquoted_MiXed FROM "MyTable"
