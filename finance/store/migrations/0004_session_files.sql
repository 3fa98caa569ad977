-- The files of browser sessions (finance/store/sessions.py) are data sets of their workspace too, so that
-- the same files saved twice are kept once; session_only marks those no user chose to keep: they are
-- never listed on the Data page, and go with the last session that uses them. Saving them as a data
-- set (finance/store/datasets.py) makes them an ordinary one.
ALTER TABLE data_sets ADD COLUMN session_only BOOLEAN NOT NULL DEFAULT FALSE;
