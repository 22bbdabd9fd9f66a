"""Function logs kept across local stack runs are rotated at start, so they stop growing run after run."""

from __future__ import annotations

from pathlib import Path

from caseline_local.housekeeping import rotate_logs


def test_a_log_past_the_limit_is_kept_once_and_started_afresh(tmp_path: Path) -> None:
    (tmp_path / "DispatchFunction.log").write_text("new run's past\n" * 10)
    (tmp_path / "DispatchFunction.log.1").write_text("older\n")
    (tmp_path / "JourneysFunction.log").write_text("small\n")
    rotated = rotate_logs(tmp_path, limit=100)
    assert rotated == ["DispatchFunction.log"]
    assert not (tmp_path / "DispatchFunction.log").exists()  # the run's worker creates it again
    assert (tmp_path / "DispatchFunction.log.1").read_text() == "new run's past\n" * 10  # the older one is gone
    assert (tmp_path / "JourneysFunction.log").read_text() == "small\n"  # under the limit: appended to as before
    assert rotate_logs(tmp_path, limit=100) == []  # nothing left past the limit
