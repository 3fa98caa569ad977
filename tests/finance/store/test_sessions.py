"""The session store (finance/store/sessions.py): files and choices by key, nothing by a wrong key, idle sessions deleted."""

from __future__ import annotations

import hashlib
import os
import stat
import time

import pytest

from finance.store.sessions import SessionStore, idle_days, is_key, new_key

FILES = (("practices.csv", b"practice_code,practice_name\nA81001,Riverside\n"), ("services.xlsx", b"PK\x03\x04 not really"))


def test_files_and_choices_come_back_by_key_only(tmp_path):
    store = SessionStore(tmp_path)
    key, other = new_key(), new_key()
    store.save_files(key, FILES)
    store.save_state(key, {"controls": {"overhead_change": 20}, "choices": {"practice": "A81001"}})
    back = store.load(key)
    assert back.files == FILES
    assert back.state == {"controls": {"overhead_change": 20}, "choices": {"practice": "A81001"}}
    assert store.load(other) is None
    assert store.load("../" + key) is None and store.load("") is None
    # The key itself is nowhere on disk, and only the server's user can read the files.
    on_disk = [p for p in tmp_path.rglob("*")]
    assert all(key not in str(p) for p in on_disk)
    assert all(key.encode() not in p.read_bytes() for p in on_disk if p.is_file())
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in on_disk)


def test_saving_other_files_drops_the_old_ones(tmp_path):
    store = SessionStore(tmp_path)
    key = new_key()
    store.save_files(key, FILES)
    store.save_files(key, FILES[:1])
    assert store.load(key).files == FILES[:1]
    assert len(list(tmp_path.rglob("*.bin"))) == 1


def test_a_damaged_file_is_not_handed_back(tmp_path):
    store = SessionStore(tmp_path)
    key = new_key()
    store.save_files(key, FILES)
    blob = next(tmp_path.rglob("*.bin"))
    blob.write_bytes(b"changed")
    assert store.load(key) is None


def test_delete_and_expire(tmp_path):
    store = SessionStore(tmp_path)
    old, recent, gone = new_key(), new_key(), new_key()
    for key in (old, recent, gone):
        store.save_files(key, FILES)
        store.save_state(key, {"meeting": True})
    store.delete(gone)
    assert store.load(gone) is None
    ten_days_ago = time.time() - 10 * 86_400
    old_place = tmp_path / hashlib.sha256(old.encode()).hexdigest()
    for path in (*old_place.iterdir(), old_place):
        os.utime(path, (ten_days_ago, ten_days_ago))
    assert store.expire(9.0) == 1
    assert store.load(old) is None
    assert store.load(recent).state == {"meeting": True}
    assert store.expire(9.0) == 0


def test_keys_and_settings(monkeypatch):
    key = new_key()
    assert is_key(key) and len(key) >= 43 and key != new_key()
    assert not is_key("short") and not is_key("a" * 50 + "/") and not is_key(None)
    with pytest.raises(ValueError):
        SessionStore("/nonexistent").save_state("not a key", {})
    monkeypatch.setenv("FINANCE_SESSION_IDLE_DAYS", "7")
    assert idle_days() == 7.0
    monkeypatch.setenv("FINANCE_SESSION_IDLE_DAYS", "soon")
    assert idle_days() == 30.0
    monkeypatch.setenv("FINANCE_SESSION_DIR", "/tmp/x-sessions")
    assert str(SessionStore().folder) == "/tmp/x-sessions"
