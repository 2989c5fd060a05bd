"""{% for p in page|page_links %}: the page links a list of pages shows (templates/partials/pagination.html),
as GOV.UK's pagination does for many pages: the first and the last, the page open and those either side
of it, and an ellipsis (None) for each run left out: "1 … 11 12 13 … 24"."""
from django import template

register = template.Library()


@register.filter
def page_links(page):
    """The page numbers to link from `page` (a Django Page), None where a run of pages is left out."""
    ellipsis = page.paginator.ELLIPSIS
    return [None if p == ellipsis else p
            for p in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
