"""Each session keeps its own data: one user's upload is never seen by another (ui/state.py)."""

from __future__ import annotations

from finance.ingest.read import Upload
from finance.model.scenario import Scenario
from tests.conftest import sample_files
from tests.ui.apptest import expected_headline, go, headline, open_app, upload, valid_workbook
from ui import state


def loaded_files(at) -> list[str]:
    return at.session_state["loaded"].dataset.file_names


def test_a_second_session_cannot_see_the_first_sessions_upload(sample_model, valid_model):
    first = open_app("Data")
    second = open_app("Overview")  # open before the upload: a tab already looking at the sample
    upload(first, [("federation.xlsx", valid_workbook())])
    go(first, "Overview")
    assert headline(first) == expected_headline(valid_model, Scenario())
    assert loaded_files(first) == ["federation.xlsx"]

    second.run()
    third = open_app("Overview")  # and a session that starts after the upload
    sample_names = [p.name for p in sample_files()]
    for other in (second, third):
        assert headline(other) == expected_headline(sample_model, Scenario())
        assert loaded_files(other) == sample_names
        assert other.session_state["loaded"].is_sample
        go(other, "Data")
        assert other.metric[0].value == "30"
        assert not other.success  # the first session's "Loaded." message is not shown here

    # The first session is not disturbed by the others either.
    first.run()
    assert headline(first) == expected_headline(valid_model, Scenario())


def test_sessions_on_the_sample_share_its_model_and_figures_but_not_their_dataset():
    """The public sample's Model and the figures worked out on it are the server's, made once; each
    session still gets its own Dataset copy (a page may change its own)."""
    one, two = open_app("Overview"), open_app("About")
    a, b = one.session_state["loaded"], two.session_state["loaded"]
    assert a.model is b.model and a.shared and b.shared
    assert a.dataset is not b.dataset and a.dataset.practices is not b.dataset.practices
    assert a.dataset.fingerprint == b.dataset.fingerprint
    key = ("results", Scenario().to_json())
    assert key in a.memo and key not in b.memo
    go(two, "Overview")
    assert b.memo[key] is a.memo[key]  # the Overview's figures came from the first session's work
    assert headline(two) == headline(one)


def test_a_sessions_own_data_has_its_own_model_and_shares_no_figure(valid_model):
    first, second = open_app("Data"), open_app("Data")
    for at in (first, second):
        upload(at, [("federation.xlsx", valid_workbook())])
        go(at, "Overview")
        assert headline(at) == expected_headline(valid_model, Scenario())
    a, b = first.session_state["loaded"], second.session_state["loaded"]
    assert not a.shared and not b.shared and a.model is not b.model
    key = ("results", Scenario().to_json())
    assert a.memo[key] is not b.memo[key]  # the same files, worked out in each session apart
    assert state._sample_shared()[0] is not a.model


def test_uploads_signature_changes_with_any_name_or_byte():
    base = (Upload("a.csv", b"x,y\n1,2\n"), Upload("b.csv", b"z\n3\n"))
    assert state.uploads_signature(base) == state.uploads_signature(tuple(Upload(u.name, bytes(u.content)) for u in base))
    assert state.uploads_signature(base) != state.uploads_signature((Upload("a.csv", b"x,y\n1,3\n"), base[1]))
    assert state.uploads_signature(base) != state.uploads_signature((Upload("c.csv", base[0].content), base[1]))
    assert state.uploads_signature(base) != state.uploads_signature(base[:1])


def test_sample_uploads_are_the_sample_folder():
    assert [u.name for u in state.sample_uploads()] == [p.name for p in sample_files()]


def test_the_figures_shared_on_the_sample_are_bounded_and_the_oldest_go_first():
    shared = state.SharedFigures()
    for k in range(state.SharedFigures.LIMIT + 3):
        shared.put(("results", k), k)
    assert [shared.get(("results", k)) for k in range(3)] == [None, None, None]
    assert [shared.get(("results", k)) for k in range(3, state.SharedFigures.LIMIT + 3)] == list(range(3, state.SharedFigures.LIMIT + 3))


def test_a_sessions_memo_is_bounded_and_keeps_the_latest_figures(monkeypatch, sample_model):
    """A meeting moves sliders for two hours: the session keeps the latest MEMO_LIMIT figures, not all."""
    monkeypatch.setattr(state, "MEMO_LIMIT", 4)
    at = open_app("Overview")
    for value in range(1, 7):
        at.slider(key="overhead_change").set_value(value).run()
        assert not at.exception
    memo = at.session_state["loaded"].memo
    figures = [key for key in memo if isinstance(key, tuple)]
    assert len(figures) == 4
    assert ("results", Scenario().to_json()) not in memo
    assert ("results", Scenario(overhead_change_pct=6.0).to_json()) in memo
    assert headline(at) == expected_headline(sample_model, Scenario(overhead_change_pct=6.0))
