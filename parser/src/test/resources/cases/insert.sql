INSERT INTO accounts VALUES (1, 'eu', 10.00);
INSERT INTO accounts (id, region, balance) VALUES (1, 'eu', 10.00), (2, 'us', ?) IF NOT EXISTS;
INSERT INTO archive (id, balance) SELECT id, balance FROM accounts WHERE balance < 0;
UPSERT INTO accounts (id, region, balance) VALUES (?, ?, ?);
UPSERT INTO copy SELECT * FROM accounts;
insert into t values (NULL, TRUE, FALSE, X'00fF', TIMESTAMP '2024-02-29 13:45:00.125', -1.5E3, 'it''s')
