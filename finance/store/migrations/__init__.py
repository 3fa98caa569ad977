"""The store's schema as numbered SQL files, applied in order by finance/store/migrate.py."""
