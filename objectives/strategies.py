"""Which strategy a page is about, where a council runs more than one: the strategy of the period,
sub-strand or KPI the page is of; else the one asked for in the address (?strategy=…); else the
one the person chose last (kept in their session); else the first. The one home of that choice:
the context processor, the switcher and every page that is about one strategy read
`chosen_strategy(request)`.
"""
from objectives.council import every_strategy, main_strategy

SESSION_KEY = "strategy"
SUB_STRAND_PAGES = {"sub-strand", "public-sub-strand"}  # pages whose address's `slug` is a sub-strand's
KPI_PAGES = {"kpi", "public-kpi"}


def all_strategies(user=None):
    """The strategies, first loaded first; for a reader of some strategies only, those they read."""
    from objectives.roles import readable_strategy_ids

    ids = readable_strategy_ids(user) if user is not None else None
    return [strategy for strategy in every_strategy() if ids is None or strategy.pk in ids]


def chosen_strategy(request):
    """The strategy this request is about (None before any strategy is loaded). The one a page is
    of, or is asked for by its slug, is remembered for the person's next pages; an unknown slug is
    ignored."""
    from objectives.models import Strategy
    from objectives.roles import readable_strategy_ids, reads_strategy

    cached = getattr(request, "_chosen_strategy", None)
    if cached is not None:
        return cached
    session = getattr(request, "session", None)
    found = strategy_of_page(request) or asked_strategy(request)
    if found is not None and session is not None and session.get(SESSION_KEY) != found.slug:
        session[SESSION_KEY] = found.slug
    if found is None and session is not None and session.get(SESSION_KEY):
        found = Strategy.objects.filter(slug=session[SESSION_KEY]).first()
    found = found or main_strategy()
    user = getattr(request, "user", None)
    if found is not None and not reads_strategy(user, found.pk):  # one this reader does not read
        found = Strategy.objects.filter(pk__in=readable_strategy_ids(user)).order_by("pk").first()
    if request is not None and found is not None:
        request._chosen_strategy = found
    return found


def asked_strategy(request):
    """The strategy asked for in the address (?strategy=<slug>), or None (public pages read only this)."""
    from objectives.models import Strategy

    asked = request.GET.get("strategy") if request is not None else None
    return Strategy.objects.filter(slug=str(asked)[:80]).first() if asked else None


def strategy_of_page(request):
    """The strategy of the thing a page is of (its address's period, sub-strand or KPI), or None
    (also for a page no address matched, such as a 404)."""
    from objectives.models import Strategy

    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    kwargs = match.kwargs
    if kwargs.get("period_slug"):
        return Strategy.objects.filter(periods__slug=kwargs["period_slug"]).first()
    sub_strand = kwargs.get("sub_strand_slug") or (kwargs.get("slug") if match.url_name in SUB_STRAND_PAGES else None)
    if sub_strand:
        return Strategy.objects.filter(objectives__sub_strands__slug=sub_strand).first()
    if kwargs.get("code") and match.url_name in KPI_PAGES:
        return Strategy.objects.filter(objectives__sub_strands__kpis__code=kwargs["code"]).first()
    return None
