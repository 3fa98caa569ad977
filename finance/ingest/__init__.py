"""Reading uploads: untrusted files -> recognised tables -> validated frames (the upload contract is tables.py)."""
