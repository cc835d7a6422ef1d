"""The README's role table is ``crm.roles.WHO_READS`` as it is: the doc and the code cannot drift apart."""

from pathlib import Path

from crm.models import Role
from crm.roles import ROLE_NAMES, WHO_READS, Area, who_reads_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_who_reads_what_as_crm_roles_has_it():
    # On a failure, paste crm.roles.who_reads_table() into the README's "Who may read and write what".
    assert who_reads_table() in README.read_text(encoding="utf-8")


def test_every_area_has_its_row_and_every_role_its_name():
    rows = who_reads_table().splitlines()[2:]

    assert [row.split("|")[1].strip(" `") for row in rows] == [str(area) for area in Area]
    assert set(Role.STAFF_ROLES) | {Role.ENTERPRISE} <= set(ROLE_NAMES)
    assert all(rule.why and rule.what for rule in WHO_READS.values())


def test_the_required_outcomes_are_in_the_table():
    # Investment officers do not read service requests; service officers do not read the pipeline.
    assert Role.INVESTMENT_OFFICER not in WHO_READS[Area.REQUESTS].roles
    assert Role.SERVICE_OFFICER not in WHO_READS[Area.PIPELINE].roles
    assert all(Role.MANAGER in WHO_READS[area].roles for area in Area if area not in (Area.SYSTEM,)
               and WHO_READS[area].roles - {"anonymous"})
