SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id;
SELECT * FROM a INNER JOIN b ON a.id = b.id LEFT JOIN c ON b.id = c.id LEFT OUTER JOIN d ON d.k = a.k;
SELECT * FROM a RIGHT JOIN b ON a.id = b.id FULL OUTER JOIN c ON c.id = b.id;
SELECT * FROM a CROSS JOIN b;
SELECT * FROM a JOIN (b JOIN c ON b.id = c.id) ON a.id = b.id;
SELECT s.region, s.total FROM (SELECT region, SUM(balance) AS total FROM accounts GROUP BY region) AS s WHERE s.total > 0;
SELECT * FROM (SELECT 1 AS x) t1, (SELECT 2 AS y) t2
