CREATE TABLE customers (id int PRIMARY KEY, tenant_id varchar(255) NOT NULL);
