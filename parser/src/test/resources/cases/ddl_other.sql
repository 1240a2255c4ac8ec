DROP TABLE accounts;
DROP TABLE IF EXISTS accounts;
ALTER TABLE accounts ADD COLUMN note VARCHAR(200);
ALTER TABLE accounts ADD flags INT NOT NULL;
ALTER TABLE accounts ADD column INT;
SHOW TABLES;
show tables;
DESCRIBE accounts;
DESC "Mixed Case"
