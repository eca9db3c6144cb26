"""What `build_dataset` wrote about the dataset in data/build.json (when it was built, from
which raw files, its report), for the pages that say where the data comes from."""

import json
from functools import lru_cache

from django.conf import settings
from django.utils.dateparse import parse_datetime


@lru_cache(maxsize=1)
def dataset_build_info() -> dict:
    """What `build_dataset` wrote about the dataset in data/build.json, if anything."""
    try:
        info = json.loads((settings.DATASET_DIR / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    info["built_at"] = parse_datetime(info.get("built_at") or "")
    return info
