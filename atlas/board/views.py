from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts.access import is_association_staff
from atlas.accounts.models import CoordinatorRole, coordinated_municipality_ids
from atlas.board import services
from atlas.board.forms import (
    BoardFilterForm,
    EntryForm,
    InterestForm,
    MessageForm,
    ModerationForm,
    ReportForm,
    SaveSearchForm,
    is_throttled,
)
from atlas.board.models import (
    Conversation,
    Entry,
    Report,
    SavedSearch,
    parse_query,
)
from atlas.matchmaking.forms import WeightsForm
from atlas.matchmaking.suggest import current_snapshot, suggestions_page

ENTRIES_PER_PAGE = 20
CONVERSATIONS_PER_PAGE = 30
SUGGESTIONS_PER_PAGE = 25
QUEUE_PER_PAGE = 50


def paginate(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def form_status(form) -> int:
    """429 when the form was refused for too many posts, 200 otherwise."""
    return 429 if is_throttled(form) else 200


# --- Access helpers: one per protected object, deciding 404 against 403 ----------------------


def get_visible_entry(request, pk: int) -> Entry:
    """Entry `pk` as the visitor may see it: 404 when it does not exist, or when it waits
    for approval or is hidden and they are neither its author nor a moderator in scope."""
    entry = get_object_or_404(
        Entry.objects.select_related("municipality__country", "programme", "author"), pk=pk
    )
    if not entry.is_visible_to(request.user):
        raise Http404
    return entry


def get_managed_entry(request, pk: int) -> Entry:
    """Entry `pk` for a current coordinator of its municipality to change: 404 as above,
    403 for anyone else, its author included once their role has ended."""
    entry = get_visible_entry(request, pk)
    if not entry.is_managed_by(request.user):
        raise PermissionDenied
    return entry


def get_moderated_entry(request, pk: int) -> Entry:
    """Entry `pk` for a moderator: 404 as above, 403 outside their scope."""
    entry = get_visible_entry(request, pk)
    if not entry.can_be_moderated_by(request.user):
        raise PermissionDenied
    return entry


def get_readable_conversation(request, pk: int) -> tuple[Conversation, str | None]:
    """Conversation `pk` and the side the visitor speaks for (None for a moderator who
    only reads it): 404 for anyone but the current coordinators of its two
    municipalities and the entry's moderators."""
    conversation = get_object_or_404(
        Conversation.objects.select_related(
            "entry__municipality__country", "interested_municipality"
        ),
        pk=pk,
    )
    side = conversation.side_of(request.user)
    if side is None and not conversation.entry.can_be_moderated_by(request.user):
        raise Http404
    return conversation, side


# --- Public pages ---------------------------------------------------------------------------


def entry_list(request):
    form = BoardFilterForm(request.GET)
    entries = form.entries().for_list().order_by("-published_at", "-pk")
    context = {
        "form": form,
        "page": paginate(request, entries, ENTRIES_PER_PAGE),
        "query_string": form.query_string(),
        "filtered": bool(form.filters()),
    }
    return render(request, "board/entry_list.html", context)


def entry_detail(request, pk: int):
    entry = get_visible_entry(request, pk)
    user = request.user
    context: dict = {
        "entry": entry,
        "themes": list(entry.themes.all()),
        "countries": sorted(entry.countries.all(), key=lambda c: c.name),
        "manages": entry.is_managed_by(user),
        "is_moderator": False,
        "conversation": None,
        "conversation_count": 0,
        "open_reports": [],
    }
    if user.is_authenticated:
        if context["manages"]:
            context["conversation_count"] = entry.conversations.count()
        else:
            context["conversation"] = entry.conversations.filter(
                interested_municipality_id__in=coordinated_municipality_ids(user)
            ).first()
        if is_association_staff(user) and entry.can_be_moderated_by(user):
            context["is_moderator"] = True
            context["open_reports"] = list(entry.reports.unresolved().select_related("reporter"))
    return render(request, "board/entry_detail.html", context)


def entry_suggestions(request, pk: int):
    """Suggested partners for the entry's municipality, ranked by matchmaking with the
    entry's themes, wished countries and population range; its partners are left out."""
    entry = get_visible_entry(request, pk)
    form = WeightsForm(request.GET or None)
    weights = form.weights()
    snapshot = current_snapshot()
    seeker = entry.as_seeker(snapshot)
    page = paginate(request, snapshot.rank(seeker, weights), SUGGESTIONS_PER_PAGE)
    context = {
        "entry": entry,
        "form": form,
        "page": page,
        "suggestions": suggestions_page(snapshot, seeker, weights, list(page.object_list)),
        "all_off": not any(weights.values()),
    }
    return render(request, "board/suggestions.html", context)


# --- Authors ---------------------------------------------------------------------------------


@login_required
def entry_create(request):
    user = request.user
    if not CoordinatorRole.objects.of(user).approved().exists():
        return render(request, "board/not_coordinator.html", status=403)
    form = EntryForm(request.POST or None, user=user, initial=_initial_from(request))
    if request.method == "POST" and form.is_valid():
        entry = services.post_entry(
            acting_user=user,
            entry=form.save(commit=False),
            themes=form.cleaned_data["themes"],
            countries=form.cleaned_data["countries"],
        )
        if entry.is_pending:
            messages.success(
                request,
                _(
                    "Your entry is saved. As it is your first, association staff check it "
                    "before it is shown to everyone; you get an e-mail when it is published."
                ),
            )
        else:
            messages.success(request, _("Your entry is published."))
        return redirect(entry)
    return render(request, "board/entry_form.html", {"form": form}, status=form_status(form))


def _initial_from(request) -> dict:
    """A link may preselect the municipality: ?municipality=<id>."""
    municipality = request.GET.get("municipality", "")
    return {"municipality": municipality} if municipality.isdigit() else {}


@login_required
def entry_edit(request, pk: int):
    entry = get_managed_entry(request, pk)
    form = EntryForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.instance.save_edit(
            version=form.cleaned_data["version"],
            themes=form.cleaned_data["themes"],
            countries=form.cleaned_data["countries"],
        )
        if saved:
            messages.success(request, _("Your changes are saved."))
            return redirect(entry)
        form.add_error(
            None,
            ValidationError(
                _(
                    "This entry was changed (in another tab or by you on another device) "
                    "since you opened this form, so your changes are not saved. Open the "
                    "entry again to see the current version, then make your changes again."
                ),
                code="conflict",
            ),
        )
        return render(request, "board/entry_form.html", {"form": form, "entry": entry}, status=409)
    return render(request, "board/entry_form.html", {"form": form, "entry": entry})


@login_required
@require_POST
def entry_close(request, pk: int):
    entry = get_managed_entry(request, pk)
    if entry.closed_at is None:
        entry.close()
        messages.success(request, _("Your entry is closed. Conversations about it stay."))
    return redirect(entry)


@login_required
def my_entries(request):
    entries = (
        Entry.objects.managed_by(request.user)
        .select_related("municipality__country")
        .annotate(conversation_count=Count("conversations"))
        .order_by("-created_at", "-pk")
    )
    return render(
        request, "board/my_entries.html", {"page": paginate(request, entries, ENTRIES_PER_PAGE)}
    )


# --- Conversations ---------------------------------------------------------------------------


@login_required
def express_interest(request, pk: int):
    entry = get_visible_entry(request, pk)
    user = request.user
    if entry.is_managed_by(user):
        raise PermissionDenied
    coordinated = coordinated_municipality_ids(user)
    existing = entry.conversations.filter(interested_municipality_id__in=coordinated).first()
    if existing:
        return redirect(existing)
    if not coordinated.exclude(municipality_id=entry.municipality_id).exists():
        return render(request, "board/not_coordinator.html", {"entry": entry}, status=403)
    if not entry.is_open:
        messages.error(request, _("This entry is closed: it takes no new interest."))
        return redirect(entry)
    form = InterestForm(request.POST or None, user=user, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.express_interest(
                acting_user=user,
                entry=entry,
                municipality=form.cleaned_data["municipality"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your message is sent. You will get an e-mail when %(municipality)s answers.")
                % {"municipality": entry.municipality.name},
            )
            return redirect(conversation)
    context = {"entry": entry, "form": form}
    return render(request, "board/interest.html", context, status=form_status(form))


@login_required
def inbox(request):
    conversations = (
        Conversation.objects.of(request.user)
        .with_unread_counts(request.user)
        .with_sides(request.user)
        .select_related("entry__municipality__country", "interested_municipality__country")
        .order_by("-last_message_at", "-pk")
    )
    page = paginate(request, conversations, CONVERSATIONS_PER_PAGE)
    return render(request, "board/inbox.html", {"page": page})


@login_required
def conversation_detail(request, pk: int):
    conversation, side = get_readable_conversation(request, pk)
    user = request.user
    is_party = side is not None
    form = MessageForm(request.POST or None, user=user)
    if request.method == "POST":
        if not is_party:
            raise PermissionDenied  # moderators read, they do not write
        if form.is_valid():
            try:
                services.reply(
                    acting_user=user, conversation=conversation, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message is sent."))
                return redirect(conversation)
    elif side is not None:
        conversation.mark_read(side)
    context = {
        "conversation": conversation,
        "entry": conversation.entry,
        "messages_list": conversation.messages.select_related("sender", "municipality"),
        "form": form,
        "is_party": is_party,
    }
    return render(request, "board/conversation.html", context, status=form_status(form))


# --- Reports and moderation -----------------------------------------------------------------


@login_required
def report_entry(request, pk: int):
    entry = get_visible_entry(request, pk)
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_entry(
                acting_user=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, _("Thank you: the moderators will look at this entry."))
        return redirect(entry)
    return render(
        request, "board/report.html", {"entry": entry, "form": form}, status=form_status(form)
    )


@login_required
@require_POST
def moderate(request, pk: int):
    entry = get_moderated_entry(request, pk)
    form = ModerationForm(request.POST)
    back = request.POST.get("next") == "queue"
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the entry."))
        return redirect("board-moderation" if back else entry)
    action = form.cleaned_data["action"]
    try:
        services.moderate_entry(acting_user=request.user, entry=entry, action=action)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        done = {
            "approve": _("“%(title)s” is published."),
            "hide": _("“%(title)s” is hidden; only its author and moderators see it."),
            "unhide": _("“%(title)s” is shown again."),
            "dismiss": _("The reports on “%(title)s” are dismissed."),
        }[action]
        messages.success(request, done % {"title": entry.title})
    return redirect("board-moderation" if back else entry)


@login_required
def moderation_queue(request):
    """Pending entries and entries with open reports in the moderator's scope."""
    user = request.user
    if not is_association_staff(user):
        raise PermissionDenied
    in_scope = Entry.objects.moderated_by(user)
    pending = in_scope.filter(status=Entry.Status.PENDING).for_list().order_by("created_at", "pk")
    reported = (
        in_scope.filter(pk__in=Report.objects.unresolved().values("entry_id"))
        .select_related("municipality__country")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.unresolved().select_related("reporter"),
                to_attr="open_reports",
            )
        )
        .order_by("pk")
    )
    hidden = (
        in_scope.filter(status=Entry.Status.HIDDEN)
        .select_related("municipality__country")
        .order_by("-moderated_at", "-pk")
    )
    context = {
        "pending": paginate(request, pending, QUEUE_PER_PAGE),
        "reported": list(reported[:QUEUE_PER_PAGE]),
        "hidden": list(hidden[:QUEUE_PER_PAGE]),
    }
    return render(request, "board/moderation.html", context)


# --- Saved searches --------------------------------------------------------------------------


@login_required
def saved_searches(request):
    labels = BoardFilterForm()  # its choices name each filter's value, in two queries
    items = [
        (search, labels.describe(parse_query(search.query)))
        for search in SavedSearch.objects.filter(user=request.user)
    ]
    return render(request, "board/saved_searches.html", {"items": items})


@login_required
@require_POST
def save_search(request):
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("These filters could not be saved."))
        return redirect("board")
    query = form.cleaned_data["query"]
    _search, created = SavedSearch.objects.get_or_create(
        user=request.user, query=query, defaults={"language": get_language() or "en"}
    )
    if created:
        messages.success(
            request,
            _("Search saved. You will get an e-mail when new entries match it."),
        )
    else:
        messages.info(request, _("You saved this search already."))
    return redirect("board-searches")


@login_required
@require_POST
def delete_search(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    search.delete()
    messages.success(request, _("The saved search is deleted; it sends no more e-mails."))
    return redirect("board-searches")
