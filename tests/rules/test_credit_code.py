"""统一社会信用代码 (GB 32100-2015) check characters, and the per-unit codes of the four profiles."""

from __future__ import annotations

import pytest

from govportal.rules import credit_code
from govportal.rules.profile import ProfileError, load_profile


def test_the_standard_example_is_valid_and_a_changed_character_is_not():
    assert credit_code.is_valid("91350100M000100Y43")
    assert not credit_code.is_valid("91350100M000100Y44")
    assert not credit_code.is_valid("91350100M000100Y4")


@pytest.mark.parametrize("locality", ["qinzhou", "xiangshan", "youyang", "weibin"])
def test_every_unit_of_every_profile_has_a_valid_credit_code(locality):
    profile = load_profile(locality)
    codes = [u.credit_code for u in profile.units]
    assert all(credit_code.is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_a_bad_credit_code_in_a_profile_is_refused_with_the_standard(tmp_path):
    import shutil

    from govportal.rules.profile import PROFILES_DIR

    folder = tmp_path / "bad"
    shutil.copytree(PROFILES_DIR / "youyang", folder)
    first = load_profile("youyang").units[0].credit_code
    wrong = first[:-1] + ("1" if first[-1] != "1" else "2")
    text = (folder / "profile.toml").read_text(encoding="utf-8")
    (folder / "profile.toml").write_text(text.replace(first, wrong, 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="GB 32100"):
        load_profile(folder)
