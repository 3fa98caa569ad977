"""Uploaded files at rest, on both backends: kept for their workspace only, deletable, never in a log."""

from __future__ import annotations

import logging

import pytest

from finance.errors import StoreError
from finance.ingest.load import load_uploads
from finance.ingest.read import Upload
from finance.store.audit import AuditLog
from finance.store.datasets import DataSetStore
from finance.store.workspaces import WorkspaceStore
from tests.conftest import WORKED_EXAMPLE

FIGURE = "7654321.98"  # an income figure no other test data holds: found in a log, it could only be this upload's


def uploads_with_the_figure() -> tuple[Upload, ...]:
    files = []
    for path in sorted(WORKED_EXAMPLE.glob("*.csv")):
        content = path.read_bytes()
        if path.name == "contract_income.csv":
            content = content.replace(b"A00001,Phlebotomy LES,Phlebotomy,20000", f"A00001,Phlebotomy LES,Phlebotomy,{FIGURE}".encode())
            assert FIGURE.encode() in content
        files.append(Upload(path.name, content))
    return tuple(files)


@pytest.fixture
def validated():
    uploads = uploads_with_the_figure()
    result = load_uploads(uploads)
    assert result.ok, [str(p) for p in result.errors]
    assert FIGURE in result.dataset.income["amount_gbp"].map(lambda v: f"{v:.2f}").tolist()
    return uploads, result.dataset


@pytest.fixture
def two_workspaces(backend):
    admin = WorkspaceStore(backend=backend)
    admin.create("barnsley", "Barnsley federation")
    admin.create("wakefield", "Wakefield federation")
    return (
        DataSetStore(backend=backend, workspace="barnsley", actor="ann@barnsley.example"),
        DataSetStore(backend=backend, workspace="wakefield", actor="bob@wakefield.example"),
    )


def test_saved_files_come_back_byte_for_byte_and_validate_again(two_workspaces, validated):
    barnsley, _ = two_workspaces
    uploads, dataset = validated
    saved = barnsley.save(uploads, dataset, "  March   figures ")
    assert (saved.data_set_id, saved.name, saved.file_names) == (dataset.fingerprint, "March figures", tuple(u.name for u in uploads))
    assert saved.size_bytes == sum(len(u.content) for u in uploads)
    again = barnsley.load(dataset.fingerprint)
    assert again == uploads
    assert load_uploads(again).dataset.fingerprint == dataset.fingerprint
    [listed] = barnsley.list()
    assert (listed.name, listed.saved_by, listed.file_names) == ("March figures", "ann@barnsley.example", saved.file_names)


def test_another_workspace_cannot_list_read_or_delete_them(two_workspaces, validated):
    barnsley, wakefield = two_workspaces
    uploads, dataset = validated
    barnsley.save(uploads, dataset, "March figures")
    assert wakefield.list() == []
    for act in (lambda: wakefield.load(dataset.fingerprint), lambda: wakefield.delete(dataset.fingerprint)):
        with pytest.raises(StoreError, match="not saved in this workspace"):
            act()
    assert barnsley.load(dataset.fingerprint) == uploads


def test_deleting_removes_the_bytes_and_is_in_the_audit_log(two_workspaces, validated):
    barnsley, _ = two_workspaces
    uploads, dataset = validated
    barnsley.save(uploads, dataset, "March figures")
    barnsley.save(uploads, dataset, "March figures, checked")  # the same files again: one data set, renamed
    assert [d.name for d in barnsley.list()] == ["March figures, checked"]
    barnsley.delete(dataset.fingerprint)
    assert barnsley.list() == []
    count = barnsley.backend.transaction(lambda db: db.row("SELECT count(*) FROM data_set_files")[0])
    assert count == 0
    entries = [(e.actor, e.action, e.kind, e.name, e.detail) for e in reversed(AuditLog(backend=barnsley.backend).entries("barnsley"))][1:]
    assert entries == [
        ("ann@barnsley.example", "saved", "data set", "March figures", ""),
        ("ann@barnsley.example", "replaced", "data set", "March figures, checked", "was 'March figures'"),
        ("ann@barnsley.example", "deleted", "data set", "March figures, checked", ""),
    ]


def test_only_the_files_a_validated_data_set_was_made_from_are_kept(two_workspaces, validated):
    barnsley, _ = two_workspaces
    uploads, dataset = validated
    tampered = (*uploads[:-1], Upload(uploads[-1].name, uploads[-1].content + b"\nZ99999,x,y,1\n"))
    for files in (tampered, uploads[:-1], ()):
        with pytest.raises(StoreError, match="Only the files of a data set that has passed the upload checks can be saved"):
            barnsley.save(files, dataset, "March figures")
    with pytest.raises(StoreError, match="Give the data set a name"):
        barnsley.save(uploads, dataset, " ")
    assert barnsley.list() == []


def test_a_figure_saved_and_read_back_is_in_no_log(backend, validated, caplog, capfd, request):
    uploads, dataset = validated
    caplog.set_level(logging.DEBUG)  # every logger, the drivers' included, at its most talkative
    store = DataSetStore(backend=backend)
    store.save(uploads, dataset, "March figures")
    assert store.load(dataset.fingerprint) == uploads
    store.delete(dataset.fingerprint)
    captured = capfd.readouterr()
    hex_figure = FIGURE.encode().hex()  # a bytea parameter, if logged, would be shown as hex
    for text in (caplog.text, captured.out, captured.err):
        assert FIGURE not in text and hex_figure not in text
    if backend.kind == "postgres":
        server_log = request.getfixturevalue("postgres").log_text()
        assert "INSERT INTO data_set_files" in server_log  # log_statement = 'all': every statement is in the log...
        assert FIGURE not in server_log and hex_figure not in server_log  # ...but never a parameter's value


def test_the_postgres_log_would_show_parameters_without_the_deploy_settings(postgres):
    # The control for the test above: with deploy/postgresql.conf's setting undone for one session,
    # the same server logs a parameter's value, so the absence above is the setting's doing.
    import psycopg

    marker = "control-value-5551234"
    with psycopg.connect(postgres.new_database(), autocommit=True) as con:
        con.execute("SET log_parameter_max_length = -1")
        con.execute("SELECT %s::text", [marker])
    assert marker in postgres.log_text()
