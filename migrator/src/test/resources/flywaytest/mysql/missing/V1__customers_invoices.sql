CREATE TABLE countries (code char(2) PRIMARY KEY, name varchar(100) NOT NULL) ENGINE=InnoDB;
CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, tenant_id varchar(255) NOT NULL, name varchar(200) NOT NULL,
    email varchar(200), UNIQUE KEY uq_email (tenant_id, email)) ENGINE=InnoDB;
CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, customer_id int,
    total decimal(12,2) NOT NULL DEFAULT 0, issued datetime(3) DEFAULT CURRENT_TIMESTAMP(3),
    KEY invoices_tenant (tenant_id, issued), CONSTRAINT fk_inv_cust FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
