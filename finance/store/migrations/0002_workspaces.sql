-- Workspaces (one a federation), their members, saved options kept per workspace, and an audit log.
-- Every saved thing is keyed by its workspace; no foreign keys, because DuckDB cannot delete or
-- update a row that another table refers to: the store's code keeps the keys consistent.
-- Every time is UTC (the connection's TimeZone is set to UTC before migrating).
CREATE TABLE workspaces (
    workspace_id VARCHAR PRIMARY KEY,  -- short, lower case: 'local', 'barnsley-federation'
    name         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- The workspace every store has: the only one when nobody signs in, as before workspaces.
INSERT INTO workspaces (workspace_id, name, created_at) VALUES ('local', 'This server', CAST(CURRENT_TIMESTAMP AS TIMESTAMP));

-- Who belongs to a workspace. role: 'admin' (manages members), 'member' (the whole federation's
-- figures) or 'practice' (only the figures of practice_code).
CREATE TABLE members (
    workspace_id  VARCHAR NOT NULL,
    user_id       VARCHAR NOT NULL,  -- the signed-in e-mail address, lower case
    role          VARCHAR NOT NULL CHECK (role IN ('admin', 'member', 'practice')),
    practice_code VARCHAR,           -- set exactly when role is 'practice'
    added_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    CHECK ((role = 'practice') = (practice_code IS NOT NULL))
);

CREATE TABLE saved_options (
    workspace_id  VARCHAR NOT NULL,
    name_key      VARCHAR NOT NULL,  -- the name in lower case: unique in its workspace whatever its case
    name          VARCHAR NOT NULL,
    description   VARCHAR NOT NULL,
    scenario_json VARCHAR NOT NULL,  -- Scenario.to_dict as JSON: settings only, never a figure
    file_names    VARCHAR[] NOT NULL,
    fingerprint   VARCHAR,           -- Dataset.fingerprint; NULL when saved without data
    saved_at      TIMESTAMP NOT NULL,
    saved_by      VARCHAR NOT NULL,
    PRIMARY KEY (workspace_id, name_key)
);

-- Options saved before workspaces belong to the local workspace.
INSERT INTO saved_options (workspace_id, name_key, name, description, scenario_json, file_names, fingerprint, saved_at, saved_by)
SELECT 'local', name_key, name, description, scenario_json, file_names, fingerprint, saved_at, 'before workspaces'
FROM saved_scenarios;

DROP TABLE saved_scenarios;

-- Who saved, changed or deleted what, and when: names only, never a figure.
CREATE SEQUENCE audit_log_ids;
CREATE TABLE audit_log (
    entry_id     BIGINT PRIMARY KEY DEFAULT nextval('audit_log_ids'),
    logged_at    TIMESTAMP NOT NULL,
    workspace_id VARCHAR NOT NULL,
    actor        VARCHAR NOT NULL,  -- the signed-in user, or 'local' with no sign-in
    action       VARCHAR NOT NULL,  -- saved, replaced, renamed, duplicated, deleted, added, removed
    kind         VARCHAR NOT NULL,  -- option, data set, session, member, workspace
    name         VARCHAR NOT NULL,  -- the option's (or file's, member's) name after the action
    detail       VARCHAR NOT NULL   -- e.g. "was 'Option A'"; never a figure
);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, logged_at);
