"""One browser's app session kept on the server between visits: its uploaded files and its choices.

``SessionStore(folder)`` keeps each session under an unguessable key (``new_key()``, made with
``secrets.token_urlsafe``) that only that browser holds, in a cookie. On disk a session is a folder
named by the SHA-256 of its key, so a listing of the folder reveals no key:

    <folder>/<sha256 of key>/state.json        the choices (JSON: scenario controls, page choices)
    <folder>/<sha256 of key>/files.json        the uploaded files' names and hashes, in upload order
    <folder>/<sha256 of key>/<sha256>.bin      each uploaded file's bytes, as uploaded

Every write goes to a temporary file first and is then renamed over the old one, so a server killed
mid-write leaves the previous state. Folders and files are readable by the server's user only.
Nothing here logs anything: the files are a practice's own figures.

The folder is $FINANCE_SESSION_DIR (default data/sessions/ in the project folder). A session
unused for $FINANCE_SESSION_IDLE_DAYS days (default 30) is deleted by ``expire``; ``delete``
removes one at once. The interface (save_state, save_files, load, delete, expire, by key) is small
so the store can move into a database later.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SESSION_DIR_ENV = "FINANCE_SESSION_DIR"
IDLE_DAYS_ENV = "FINANCE_SESSION_IDLE_DAYS"
DEFAULT_SESSION_DIR = Path(__file__).resolve().parents[2] / "data" / "sessions"
DEFAULT_IDLE_DAYS = 30.0
KEY_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
_KEY = re.compile(r"^[A-Za-z0-9_-]{40,128}$")
_STATE, _FILES = "state.json", "files.json"


def default_folder() -> Path:
    override = os.environ.get(SESSION_DIR_ENV, "").strip()
    return Path(override).expanduser() if override else DEFAULT_SESSION_DIR


def idle_days() -> float:
    """$FINANCE_SESSION_IDLE_DAYS when it is a positive number, else 30."""
    try:
        days = float(os.environ.get(IDLE_DAYS_ENV, ""))
    except ValueError:
        return DEFAULT_IDLE_DAYS
    return days if days > 0 else DEFAULT_IDLE_DAYS


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def is_key(text: object) -> bool:
    """A key this store could have made (anything else, e.g. a cookie someone typed, is refused)."""
    return isinstance(text, str) and bool(_KEY.match(text))


@dataclass(frozen=True)
class StoredSession:
    """What a session left: its files (name, bytes) in upload order, and its choices."""

    files: tuple[tuple[str, bytes], ...] = ()
    state: Mapping[str, object] = field(default_factory=dict)


class SessionStore:
    """Sessions by key in a folder (see the module docstring)."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()

    def __repr__(self) -> str:  # never the keys
        return f"SessionStore({str(self.folder)!r})"

    def save_state(self, key: str, state: Mapping[str, object]) -> None:
        self._write(self._place(key, create=True) / _STATE, json.dumps(state, sort_keys=True).encode())

    def save_files(self, key: str, files: tuple[tuple[str, bytes], ...]) -> None:
        """Keep exactly these files for the session (files it no longer has are deleted)."""
        place = self._place(key, create=True)
        listed = []
        for name, content in files:
            digest = hashlib.sha256(content).hexdigest()
            blob = place / f"{digest}.bin"
            if not blob.exists():
                self._write(blob, content)
            listed.append({"name": name, "sha256": digest})
        self._write(place / _FILES, json.dumps(listed).encode())
        keep = {f"{f['sha256']}.bin" for f in listed}
        for old in place.glob("*.bin"):
            if old.name not in keep:
                old.unlink(missing_ok=True)

    def load(self, key: str) -> StoredSession | None:
        """The session's files and choices, or None for a key with nothing stored (or not a key)."""
        place = self._place(key)
        if place is None or not place.is_dir():
            return None
        try:
            state = json.loads((place / _STATE).read_bytes()) if (place / _STATE).exists() else {}
            listed = json.loads((place / _FILES).read_bytes()) if (place / _FILES).exists() else []
            files = []
            for entry in listed:
                content = (place / f"{entry['sha256']}.bin").read_bytes()
                if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                    return None  # a damaged file is not handed back as the user's figures
                files.append((str(entry["name"]), content))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        os.utime(place)  # a visit counts as use
        return StoredSession(tuple(files), state if isinstance(state, dict) else {})

    def delete(self, key: str) -> None:
        place = self._place(key)
        if place is not None:
            shutil.rmtree(place, ignore_errors=True)

    def expire(self, max_idle_days: float | None = None, *, now: float | None = None) -> int:
        """Delete every session unused for longer than ``max_idle_days``; how many were deleted."""
        limit = (now if now is not None else time.time()) - 86_400 * (max_idle_days if max_idle_days is not None else idle_days())
        if not self.folder.is_dir():
            return 0
        deleted = 0
        for place in self.folder.iterdir():
            if place.is_dir() and re.fullmatch(r"[0-9a-f]{64}", place.name) and _last_used(place) < limit:
                shutil.rmtree(place, ignore_errors=True)
                deleted += 1
        return deleted

    def _place(self, key: str, *, create: bool = False) -> Path | None:
        if not is_key(key):
            if create:
                raise ValueError("not a session key")
            return None
        place = self.folder / hashlib.sha256(key.encode()).hexdigest()
        if create:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            place.mkdir(exist_ok=True, mode=0o700)
            os.utime(place)
        return place

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _last_used(place: Path) -> float:
    """The latest of the folder's and its files' modification times."""
    times = [place.stat().st_mtime]
    times += [p.stat().st_mtime for p in place.iterdir() if p.is_file()]
    return max(times)
