CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
CREATE TABLE customers (id serial PRIMARY KEY, tenant_id varchar(255) NOT NULL, name text NOT NULL, email text,
    UNIQUE (tenant_id, email));
CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, customer_id int REFERENCES customers(id),
    total numeric(12,2) NOT NULL DEFAULT 0, issued timestamp DEFAULT now());
CREATE INDEX invoices_tenant ON invoices (tenant_id, issued);
