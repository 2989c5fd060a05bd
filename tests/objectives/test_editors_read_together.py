"""Who fills in a sub-strand's returns (objectives.roles.editors_of), asked of editors read for many
sub-strands in one query (editors_by_sub_strand, for My returns: issue 24) as of each sub-strand's own."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from objectives.models import SubStrand
from objectives.roles import editors_by_sub_strand, editors_of
from tests.factories import SubStrandFactory, UserFactory


@pytest.mark.django_db
def test_editors_read_together_answer_as_each_sub_strands_own():
    lead = UserFactory(first_name="Zoe", last_name="Lead", email="zoe@example.org")
    ann = UserFactory(first_name="Ann", last_name="Editor", email="ann@example.org")
    gone = UserFactory(first_name="Gone", last_name="Away", email="gone@example.org", is_active=False)
    silent = UserFactory(first_name="No", last_name="Email", email="")
    housing = SubStrandFactory(lead_officer=lead)
    housing.editors.add(ann, gone, silent, lead)
    parks = SubStrandFactory(lead_officer=None)
    nobody = SubStrandFactory(lead_officer=silent)
    subs = list(SubStrand.objects.filter(pk__in=[housing.pk, parks.pk, nobody.pk]).select_related("lead_officer"))
    with CaptureQueriesContext(connection) as ctx:
        editors = editors_by_sub_strand(s.id for s in subs)
        together = {s.pk: editors_of(s, editors=editors.get(s.id, ())) for s in subs}
    assert len(ctx.captured_queries) == 1
    assert together == {s.pk: editors_of(s) for s in subs}
    assert together[housing.pk] == [lead, ann] and together[parks.pk] == [] and together[nobody.pk] == []
