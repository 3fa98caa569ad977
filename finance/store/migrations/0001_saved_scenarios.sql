-- The store as it was before workspaces: one table of saved options for the whole server.
-- IF NOT EXISTS: a file made before migrations were versioned already has it, and keeps its rows.
CREATE TABLE IF NOT EXISTS saved_scenarios (
    name_key      VARCHAR PRIMARY KEY,  -- the name in lower case: names are unique whatever their case
    name          VARCHAR NOT NULL,
    description   VARCHAR NOT NULL,
    scenario_json VARCHAR NOT NULL,
    file_names    VARCHAR[] NOT NULL,
    fingerprint   VARCHAR,              -- NULL when saved without data
    saved_at      TIMESTAMP NOT NULL    -- UTC
);
