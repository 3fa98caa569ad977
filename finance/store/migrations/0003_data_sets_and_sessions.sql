-- Uploaded files kept at rest for their workspace only, and saved sessions that point at them.
-- No CHECK constraints here: PostgreSQL logs a failing row whole, and these rows hold figures.
CREATE TABLE data_sets (
    workspace_id VARCHAR NOT NULL,
    data_set_id  VARCHAR NOT NULL,  -- Dataset.fingerprint: the same files saved twice are one data set
    name         VARCHAR NOT NULL,
    file_names   VARCHAR[] NOT NULL,
    size_bytes   BIGINT NOT NULL,
    saved_at     TIMESTAMP NOT NULL,
    saved_by     VARCHAR NOT NULL,
    PRIMARY KEY (workspace_id, data_set_id)
);

CREATE TABLE data_set_files (
    workspace_id VARCHAR NOT NULL,
    data_set_id  VARCHAR NOT NULL,
    position     INTEGER NOT NULL,  -- the order the files were uploaded in
    file_name    VARCHAR NOT NULL,
    content      BYTEA NOT NULL,    -- the file as uploaded (DuckDB reads BYTEA as BLOB)
    PRIMARY KEY (workspace_id, data_set_id, position)
);

-- A browser session's state saved so that it survives a restart or a move to another server
-- (written by finance/store/sessions.py): keyed by workspace, pointing at a data set by its id.
CREATE TABLE saved_sessions (
    workspace_id VARCHAR NOT NULL,
    session_id   VARCHAR NOT NULL,  -- a random token held by the browser
    user_id      VARCHAR NOT NULL,  -- who it belongs to ('local' with no sign-in)
    data_set_id  VARCHAR,           -- data_sets.data_set_id in the same workspace; NULL: the sample data
    state_json   VARCHAR NOT NULL,  -- the scenario and page state: settings, never a figure
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, session_id)
);
