"""The finance engine: uploads -> validated tables -> DuckDB -> the margin model.

Its parts, in the order a number travels: ``ingest`` (reading and validating uploads), ``nhs``
(the NHS payments importer, which writes an upload set), ``model`` (the scenario and the margin
model in DuckDB), ``analysis`` (questions asked of the model: fee sweep, sensitivity, options
compared, page figures), ``report`` (the board pack), ``store`` (saved options) and ``cli``
(``python -m finance``). Never imports streamlit.
"""
