-- Moves throttle a tenant shortly before they freeze it, and tell drivers where the tenant is about to go so
-- that they can open connections there before the flip (docs/tenant-map.md, "Route states").
--   * state 'throttled': the tenant's transactions run as when active, a few at a time per driver instance.
--   * next_target: the target a move is about to flip the route to; NULL otherwise (a flip clears it). No
--     foreign key, like target: the store checks it under the map_version lock.
-- The CHECK is dropped and re-added (same name) in two statements, so as not to depend on whether a server takes
-- both in one ALTER (MariaDB 10.11 does; MySQL 8 untested). DROP CONSTRAINT: MariaDB and MySQL 8.0.19+.
ALTER TABLE routes ADD COLUMN next_target VARCHAR(63) NULL, DROP CONSTRAINT routes_state;
ALTER TABLE routes ADD CONSTRAINT routes_state CHECK (state IN ('active', 'suspended', 'frozen', 'throttled'));
