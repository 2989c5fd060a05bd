"""The councils of the UK as data (mySociety's file, shipped in objectives/data/), the refresh from a
newer copy, the council's own place among them, and comparator groups in the admin."""
import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from objectives.local_authorities import SHIPPED, refresh
from objectives.models import ComparatorGroup, Council, LocalAuthority


def _shipped_rows():
    with SHIPPED.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def _as_text(fieldnames, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_councils_file_is_loaded_after_migrate_every_council_of_it(db):
    fieldnames, rows = _shipped_rows()
    assert LocalAuthority.objects.count() == len(rows) > 400
    by_code = {row["local-authority-code"]: row for row in rows}
    adur = LocalAuthority.objects.get(code="ADU")
    assert (adur.gss_code, adur.short_name, adur.kind_name, adur.region, adur.nation) == (
        by_code["ADU"]["gss-code"], "Adur", "Non-metropolitan district", "South East", "England")
    assert LocalAuthority.objects.filter(is_current=True).count() == sum(
        1 for row in rows if row["current-authority"] == "True" and not row["end-date"])
    nations = set(LocalAuthority.objects.values_list("nation", flat=True))
    assert nations == {"England", "Scotland", "Wales", "Northern Ireland"}


def test_refreshing_from_a_newer_copy_changes_only_what_changed_and_says_what(db, tmp_path):
    fieldnames, rows = _shipped_rows()
    untouched = LocalAuthority.objects.get(code="ABE")
    gone = rows.pop(0)  # no longer in the newer file: retired, never deleted
    rows[0]["nice-name"] = rows[0]["nice-name"] + " (renamed)"
    changed_code = rows[0]["local-authority-code"]
    new = dict(rows[1], **{"local-authority-code": "ZZZ", "official-name": "Newtown Council", "nice-name": "Newtown",
                           "gss-code": "E06009999"})
    rows.append(new)
    newer = tmp_path / "newer.csv"
    newer.write_text(_as_text(fieldnames, rows), encoding="utf-8")
    out = io.StringIO()
    call_command("refresh_councils", str(newer), stdout=out)
    said = out.getvalue()
    assert "1 added, 1 changed, 1 retired" in said
    assert f"Changed: {changed_code} (short_name)" in said and "Added: ZZZ" in said
    assert f"Retired: {gone['local-authority-code']}" in said
    retired = LocalAuthority.objects.get(code=gone["local-authority-code"])
    assert retired.retired and not retired.is_current
    assert LocalAuthority.objects.get(code="ZZZ").short_name == "Newtown"
    again = LocalAuthority.objects.get(code="ABE")
    assert [getattr(again, f.name) for f in LocalAuthority._meta.fields] == [
        getattr(untouched, f.name) for f in LocalAuthority._meta.fields]
    assert str(refresh(newer.read_text(encoding="utf-8"))).startswith("0 added, 0 changed, 0 retired")  # twice: nothing


def test_a_file_that_is_not_the_councils_file_is_refused_and_nothing_changes(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nXXX,Nowhere\n", encoding="utf-8")
    before = LocalAuthority.objects.count()
    with pytest.raises(CommandError, match="Nothing was changed.*no column local-authority-code"):
        call_command("refresh_councils", str(bad))
    assert LocalAuthority.objects.count() == before


def test_the_strategy_file_sets_the_councils_own_code(sefton):
    assert Council.objects.get().local_authority.code == "SFT"


def test_a_comparator_group_is_filled_with_every_council_of_a_type_in_a_nation(db, admin_client):
    response = admin_client.post("/admin/objectives/comparatorgroup/add/", {
        "name": "English metropolitan districts", "description": "", "order": "1", "members": [],
        "add_kind": "Metropolitan district", "add_region": "nation:England"})
    assert response.status_code == 302, response.content.decode()[:2000]
    group = ComparatorGroup.objects.get()
    expected = LocalAuthority.objects.filter(is_current=True, kind_name="Metropolitan district", nation="England")
    assert set(group.members.all()) == set(expected) and expected.count() == 36
