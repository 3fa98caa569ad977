"""The command line, python -m finance: validate, run, template, import-payments, export."""
