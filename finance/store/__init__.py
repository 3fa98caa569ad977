"""The store: workspaces, members, saved options, uploaded data sets and the audit log, on DuckDB or PostgreSQL."""
