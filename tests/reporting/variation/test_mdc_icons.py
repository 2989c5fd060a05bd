"""Making Data Count's icons (reporting/variation/verdicts.py, the `mdc_icon` tag): every verdict is
drawn with its words beside the icon, the icon hidden from screen readers; too few figures give
words and no icon."""
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from kpis import spc
from reporting.variation.verdicts import assurance_verdict, variation_verdict

SHIFT_UP = [10, 13, 10, 13, 10, 13, 10, 14, 13, 14, 13, 14, 13]  # the last six above the mean
FLAT = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 12, 11]


def kpi(direction="higher", kind="targeted"):
    return SimpleNamespace(direction=direction, is_milestone=kind == "milestone", is_contextual=kind == "contextual")


def chart(values, direction="higher", target=None):
    return spc.xmr([(str(i), Decimal(v)) for i, v in enumerate(values)], direction=direction, target=target, n=6)


def render(verdict, short=False):
    return Template("{% load mdc %}{% mdc_icon verdict short=short %}").render(Context({"verdict": verdict, "short": short}))


CASES = [
    (variation_verdict(chart(SHIFT_UP), kpi()), "Special cause variation: improving", "up"),
    (variation_verdict(chart(SHIFT_UP, "lower"), kpi("lower")), "Special cause variation: concerning", "up"),
    (variation_verdict(chart(SHIFT_UP, "neither"), kpi("neither")), "Special cause variation: neither improving nor concerning (higher)", "up"),
    (variation_verdict(chart(FLAT), kpi()), "Common cause variation: no significant change", "wave"),
    (assurance_verdict(chart(FLAT, target=Decimal(1)), kpi()), "Consistently passing the target", "P"),
    (assurance_verdict(chart(FLAT, target=Decimal(11)), kpi()), "Hit or miss: the target may or may not be met", "?"),
    (assurance_verdict(chart(FLAT, target=Decimal(100)), kpi()), "Consistently failing the target", "F"),
]


@pytest.mark.parametrize("verdict, words, glyph", CASES, ids=[c[1] for c in CASES])
def test_every_icon_is_drawn_with_its_words_and_hidden_from_screen_readers(verdict, words, glyph):
    html = render(verdict)
    assert verdict.words == words and verdict.glyph == glyph
    assert re.search(r'<svg[^>]*aria-hidden="true"[^>]*focusable="false"', html)
    assert f'<span class="app-mdc__words">{words}</span>' in html
    short = render(verdict, short=True)
    assert "<svg" in short and f'<span class="app-mdc__words">{verdict.short}</span>' in short and verdict.short


def test_too_few_figures_give_words_and_no_icon():
    verdict = variation_verdict(chart(FLAT[:9]), kpi())
    html = render(verdict)
    assert "<svg" not in html and "Not enough figures yet (9 of 13)" in html
    assert "<svg" not in render(assurance_verdict(chart(FLAT[:9], target=Decimal(1)), kpi()))


def test_a_contextual_kpi_has_its_variation_but_no_assurance():
    contextual = kpi(kind="contextual")
    assert variation_verdict(chart(SHIFT_UP), contextual).key == "improving"
    verdict = assurance_verdict(chart(FLAT, target=Decimal(1)), contextual)
    assert verdict.key == "none" and not verdict.has_icon and "not judged against a target" in verdict.words
