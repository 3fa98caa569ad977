"""The margin model of MODEL.md: the Scenario, and the DuckDB engine with its SQL queries."""
