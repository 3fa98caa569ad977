"""The finance engine: uploads -> validated tables -> DuckDB -> the margin model.

Never imports streamlit; runs on its own as ``python -m finance``.
"""
