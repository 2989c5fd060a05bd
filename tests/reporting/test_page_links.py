"""The page links of a list of pages (templates/partials/pagination.html), as GOV.UK's pagination: the
first and last, the page open and those either side of it, an ellipsis for each run left out."""
from django.core.paginator import Paginator
from django.template import Context, Template

from reporting.templatetags.pages import page_links


def page(number, *, items=1200, per_page=50):
    return Paginator(range(items), per_page).page(number)


def test_a_long_list_of_pages_links_the_ends_and_the_pages_beside_the_one_open():
    assert page_links(page(1)) == [1, 2, None, 24]
    assert page_links(page(12)) == [1, None, 11, 12, 13, None, 24]
    assert page_links(page(24)) == [1, None, 23, 24]


def test_a_short_list_of_pages_links_every_page():
    assert page_links(page(3, items=250)) == [1, 2, 3, 4, 5]


def test_the_links_are_drawn_with_an_ellipsis_for_the_pages_left_out():
    html = Template('{% include "partials/pagination.html" with page=page parameter="page" anchor="list" '
                    'label="Pages" %}').render(Context({"page": page(12, items=60000)}))
    assert 'href="?page=1200#list" aria-label="Page 1,200"' in html  # the number said as a number, the link one
    assert 'href="?page=11#list" rel="prev"' in html and 'href="?page=13#list" rel="next"' in html
    assert html.count("govuk-pagination__item--ellipses") == 2 and 'aria-current="page">12<' in html
    assert 'href="?page=2#list"' not in html
