CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL, qty smallint NOT NULL, descr varchar(200),
    CONSTRAINT fk_line_inv FOREIGN KEY (invoice_id) REFERENCES invoices(id) ON DELETE CASCADE) ENGINE=InnoDB;
CREATE TABLE line_notes (id bigint AUTO_INCREMENT PRIMARY KEY, line_id bigint NOT NULL, body text,
    CONSTRAINT fk_note_line FOREIGN KEY (line_id) REFERENCES invoice_lines(id) ON DELETE CASCADE) ENGINE=InnoDB;
CREATE TABLE categories (id int PRIMARY KEY, tenant_id varchar(255) NOT NULL, parent_id int, label varchar(100),
    CONSTRAINT fk_cat_parent FOREIGN KEY (parent_id) REFERENCES categories(id)) ENGINE=InnoDB;
