-- Moves throttle a tenant shortly before they freeze it, and tell drivers where the tenant is about to go so
-- that they can open connections there before the flip (docs/tenant-map.md, "Route states").
--   * state 'throttled': the tenant's transactions run as when active, a few at a time per driver instance.
--   * next_target: the target a move is about to flip the route to; NULL otherwise (a flip clears it). No
--     foreign key, like target: the store checks it under the map_version lock.
-- V1 declared the state CHECK inline, so PostgreSQL named it <table>_<column>_check: routes_state_check.
ALTER TABLE routes DROP CONSTRAINT routes_state_check;
ALTER TABLE routes ADD CONSTRAINT routes_state_check CHECK (state IN ('active', 'suspended', 'frozen', 'throttled'));
ALTER TABLE routes ADD COLUMN next_target VARCHAR(63);
