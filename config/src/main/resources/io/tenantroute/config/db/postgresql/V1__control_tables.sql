-- TenantRoute control tables (PostgreSQL). Flyway runs this with search_path set to the control schema
-- (default "tenantroute"), so names are unqualified.

-- The map-wide version: one row. Every change locks it (SELECT ... FOR UPDATE), so changes are
-- serialized and each one gets the next version exactly once.
CREATE TABLE map_version (
    id         SMALLINT    NOT NULL PRIMARY KEY CHECK (id = 1),
    version    BIGINT      NOT NULL CHECK (version >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO map_version (id, version) VALUES (1, 0);

-- Databases tenants can live on. password_ref is a reference (env:NAME, file:/path), never a password.
CREATE TABLE targets (
    name         VARCHAR(63)   NOT NULL PRIMARY KEY,
    jdbc_url     VARCHAR(2048) NOT NULL,
    username     VARCHAR(255),
    password_ref VARCHAR(1024),
    version      BIGINT        NOT NULL,
    updated_at   TIMESTAMPTZ   NOT NULL DEFAULT now()
);

-- Tenant -> target. Tenants without a row live on "shared". tenant_id is any text, compared byte for
-- byte (COLLATE "C": "Acme" and "acme" are two tenants). No foreign key to targets: "shared" needs no row;
-- the store checks targets under the map_version lock instead.
CREATE TABLE routes (
    tenant_id   VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    target      VARCHAR(63)  NOT NULL,
    schema_name VARCHAR(255),
    state       VARCHAR(16)  NOT NULL CHECK (state IN ('active', 'suspended', 'frozen')),
    version     BIGINT       NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX routes_version_idx ON routes (version);
CREATE INDEX routes_target_idx ON routes (target);
