from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from atlas.directory.conditional import data_answer
from atlas.exports.datasets import DATASETS, FORMAT_VERSION, FORMATS, chunks
from atlas.exports.files import export_root, file_names, read_manifest
from atlas.exports.forms import FORMS
from atlas.exports.licence import licence_link

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
LABELS = {
    "municipalities": gettext_lazy("Municipalities"),
    "partnerships": gettext_lazy("Partnerships"),
    "networks": gettext_lazy("Networks"),
    "memberships": gettext_lazy("Memberships"),
}


@require_safe
def export(request, name: str, fmt: str):
    """One export, whole or filtered, streamed by primary key."""
    dataset = DATASETS[name]
    form = FORMS[name](request.GET)
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("The parameters are not valid."),
                "fields": {field: list(errors) for field, errors in form.errors.items()},
            },
            status=400,
        )

    def stream() -> StreamingHttpResponse:
        attribution = dataset.attribution() if fmt == "geojson" else ""
        rows = dataset.rows(form.filter(dataset.queryset()))
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in chunks(dataset, fmt, rows, attribution)),
            content_type=CONTENT_TYPES[fmt],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    response = data_answer(request, ("export", FORMAT_VERSION, name, fmt, form.key()), stream)
    response["Link"] = licence_link(request)
    return response


@require_safe
def export_file(request, file: str):
    """A full file as it is on disk: gzip-compressed, offered as a .gz download."""
    if file not in {name for name, _dataset, _fmt in file_names()}:
        raise Http404
    path = export_root() / file
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=file)
    response["Link"] = licence_link(request)
    return response


def downloads(request):
    manifest = read_manifest()
    files = []
    if manifest:
        for entry in manifest.get("files", []):
            if entry.get("file") not in {name for name, _dataset, _fmt in file_names()}:
                continue
            files.append(
                {
                    **entry,
                    "label": LABELS.get(entry["dataset"], entry["dataset"]),
                    "url": reverse("export-file", args=[entry["file"]]),
                }
            )
    live = [
        (
            LABELS[name],
            [(fmt, reverse("export", kwargs={"name": name, "fmt": fmt})) for fmt in FORMATS],
        )
        for name in DATASETS
    ]
    context = {"manifest": manifest, "files": files, "live": live}
    return render(request, "exports/downloads.html", context)
