"""The local stack's demo analysts: a password made for each start, never a committed one."""

from __future__ import annotations

from typing import Any

from caseline_local import staff


class RecordingCognito:
    """Records the calls the stack makes to create analysts (moto is not needed to see what is asked)."""

    def __init__(self) -> None:
        self.passwords: dict[str, str] = {}
        self.groups: dict[str, str] = {}

    def create_group(self, **_: Any) -> None:
        return None

    def admin_create_user(self, **_: Any) -> None:
        return None

    def admin_set_user_password(self, *, Username: str, Password: str, Permanent: bool, **_: Any) -> None:
        assert Permanent is True
        self.passwords[Username] = Password

    def admin_add_user_to_group(self, *, Username: str, GroupName: str, **_: Any) -> None:
        self.groups[Username] = GroupName


def test_each_start_makes_new_passwords_long_enough_for_the_staff_pool() -> None:
    first, second = RecordingCognito(), RecordingCognito()
    made = staff.create_demo_analysts(first, "pool", ["thames-valley", "hampshire"])
    staff.create_demo_analysts(second, "pool", ["thames-valley", "hampshire"])
    assert first.groups == {
        "analyst.thames-valley@example.org": "force-thames-valley",
        "analyst.hampshire@example.org": "force-hampshire",
    }
    passwords = [*first.passwords.values(), *second.passwords.values()]
    assert len(set(passwords)) == 4 and all(len(p) >= 14 for p in passwords)  # the staff pool's minimum
    # The state file keeps them by force, and gives each analyst back as made
    kept = {"analysts": staff.state(made)}
    assert staff.from_state(kept, "hampshire") == made[1]
    assert kept["analysts"]["thames-valley"]["password"] == first.passwords["analyst.thames-valley@example.org"]
