-- TenantRoute control tables (MySQL / MariaDB). Flyway runs this with the control database (default
-- "tenantroute") as the current database, so names are unqualified. utf8mb4 with a binary collation:
-- tenant ids are any Unicode text, and "Acme", "acme" and "acmé" are three different tenants.
-- ${tenant_collation} is a binary NO PAD collation where the server has one (MariaDB: utf8mb4_nopad_bin,
-- MySQL 8: utf8mb4_0900_bin), so that "acme" and "acme " are two tenants too; else utf8mb4_bin.

-- The map-wide version: one row. Every change locks it (SELECT ... FOR UPDATE), so changes are
-- serialized and each one gets the next version exactly once.
CREATE TABLE map_version (
    id         SMALLINT    NOT NULL PRIMARY KEY,
    version    BIGINT      NOT NULL,
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT map_version_single_row CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO map_version (id, version) VALUES (1, 0);

-- Databases tenants can live on. password_ref is a reference (env:NAME, file:/path), never a password.
CREATE TABLE targets (
    name         VARCHAR(63)   NOT NULL PRIMARY KEY,
    jdbc_url     VARCHAR(2048) NOT NULL,
    username     VARCHAR(255),
    password_ref VARCHAR(1024),
    version      BIGINT        NOT NULL,
    updated_at   DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Tenant -> target. Tenants without a row live on "shared". No foreign key to targets: "shared" needs
-- no row; the store checks targets under the map_version lock instead.
CREATE TABLE routes (
    tenant_id   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE ${tenant_collation} NOT NULL PRIMARY KEY,
    target      VARCHAR(63)  NOT NULL,
    schema_name VARCHAR(255),
    state       VARCHAR(16)  NOT NULL,
    version     BIGINT       NOT NULL,
    updated_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT routes_state CHECK (state IN ('active', 'suspended', 'frozen')),
    INDEX routes_version_idx (version),
    INDEX routes_target_idx (target)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
