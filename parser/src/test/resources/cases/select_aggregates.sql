SELECT region, COUNT(*), SUM(balance) AS total, AVG(balance), MIN(id), MAX(id), COUNT(DISTINCT owner)
FROM accounts
WHERE active
GROUP BY region
HAVING SUM(balance) > 1000 AND COUNT(*) >= 2
ORDER BY total DESC;
SELECT count(*) FROM t;
SELECT lower(name), coalesce(a, b, 0), now() FROM t
