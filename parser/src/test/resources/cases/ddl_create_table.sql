-- Composite key, every type, engine option.
CREATE TABLE accounts (
  id BIGINT NOT NULL,
  region VARCHAR(16),
  balance DECIMAL(12, 2) NOT NULL,
  rate DOUBLE,
  active BOOLEAN,
  photo VARBINARY,
  thumb VARBINARY(1024),
  created TIMESTAMP,
  n INT,
  m INTEGER,
  d DECIMAL,
  d5 DECIMAL(5),
  PRIMARY KEY (region, id)
) WITH (engine = 'bitcask');

create table if not exists t (k int primary key, v varchar) with (ENGINE = 'LSM');

CREATE TABLE events (payload VARCHAR NULL, "Key" INT);

CREATE TABLE m (a INT NOT NULL PRIMARY KEY) WITH (engine = 'memory')
