from reporting.access import can


def navigation(request):
    """The links of the site's header, shown only to those who may follow them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = [("Overview", "home")]
    candidates = [
        ("My returns", "my-returns", "view_my_returns"),
        ("Dashboard", "dashboard", "view_dashboard"),
        ("Review queue", "review-queue", "view_review_queue"),
        ("Calendar", "period-calendar", "view_calendar"),
        ("Action plans", "action-plans", "view_dashboard"),
        ("Risks", "risk-register", "view_dashboard"),
        ("Workbooks", "exports", "export_workbook"),
    ]
    from django.urls import NoReverseMatch, reverse

    for label, name, action in candidates:
        if can(user, action):
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            links.append((label, name))
    return {"nav_links": links}


def public_pages(request):
    """`public_pages_on`, for pages that link to the public pages (the sign-in page): asked of the
    database only by a template that uses it. And `public`: False, since a page rendered for a
    request is a signed-in page (the public pages are rendered without one, with `public` True)."""
    from django.utils.functional import SimpleLazyObject

    from reporting.public.switch import public_pages_on

    return {"public_pages_on": SimpleLazyObject(public_pages_on), "public": False}


def council_words(request):
    """`council` (objectives.models.Council), `terms` (its words: {{ terms.sub_strand.one }}),
    `main_strategy` (the strategy the pages are about: objectives.strategies.chosen_strategy, its
    name the pages' caption) and `strategies` (all of them, for the switcher where there is more
    than one), read once a request, when a template first uses them."""
    from django.utils.functional import SimpleLazyObject

    from objectives.council import council, terms
    from objectives.strategies import all_strategies, chosen_strategy

    return {"council": SimpleLazyObject(council), "terms": SimpleLazyObject(terms),
            "main_strategy": SimpleLazyObject(lambda: chosen_strategy(request)),
            "strategies": SimpleLazyObject(lambda: all_strategies(getattr(request, "user", None)))}
