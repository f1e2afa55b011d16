"""accounts.staffing.staff_of: the one way every app lists the people of a unit holding a role (review stages,
letter and disclosure deadlines, emergencies, interpretations, freshness, outages, annual reports)."""

from __future__ import annotations

from govportal.accounts.models import Role, Unit
from govportal.accounts.staffing import staff_of


def test_people_of_a_unit_by_role(make_person):
    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    editor = make_person("市教育局", Role.EDITOR)
    chief = make_person("市教育局", Role.SECTION_CHIEF, Role.EDITOR)
    leader = make_person("市教育局", Role.DEPUTY_LEADER)
    gone = make_person("市教育局", Role.EDITOR)
    gone.is_active = False
    gone.save()
    elsewhere = make_person("市人民政府办公室", Role.EDITOR)

    assert list(staff_of(edu, [Role.EDITOR])) == [editor, chief]  # each once, the inactive left out
    assert set(staff_of([edu], [Role.DEPUTY_LEADER, Role.SECTION_CHIEF])) == {chief, leader}
    assert set(staff_of(edu)) == {editor, chief, leader}  # any role
    both = staff_of(roles=[Role.EDITOR], locality="qinzhou")
    assert {editor, chief, elsewhere} <= set(both) and gone not in both
    assert not staff_of(edu, [Role.HOTLINE]).exists()


def test_a_person_moved_to_another_unit_is_no_longer_listed_in_the_old_one(make_person):
    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    office = Unit.objects.get(locality="qinzhou", name="市人民政府办公室")
    editor = make_person("市教育局", Role.EDITOR)
    editor.staff.unit = office
    editor.staff.save()
    assert editor not in staff_of(edu, [Role.EDITOR])
    assert editor in staff_of(office, [Role.EDITOR])
