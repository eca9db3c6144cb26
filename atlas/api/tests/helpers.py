"""Small helpers for the API's tests."""

from typing import Any

from django.test import Client


def get(client: Client, path: str, expected: int = 200, **query: Any) -> Any:
    """GET an API address and its JSON, checking the status."""
    response = client.get(path, query)
    assert response.status_code == expected, response.content.decode()[:2000]
    return response.json()


def api(path: str) -> str:
    return f"/api/v1/{path}"


def every_page(client: Client, path: str, **query: Any) -> tuple[list[dict], list[int]]:
    """Every result of a list, following `next`; and the count each page gave."""
    results: list[dict] = []
    counts: list[int] = []
    page = get(client, path, **query)
    while True:
        results += page["results"]
        counts.append(page["count"])
        if page["next"] is None:
            return results, counts
        page = client.get(page["next"]).json()


def names(results: list[dict], key: str = "name") -> list[str]:
    return [result[key] for result in results]
