"""CACHE_URL chooses a cache every process shares; a wrong one stops the site at start."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from atlas.settings import DEFAULT_CACHE_URL, cache_from_url


def test_the_default_is_the_database_cache_shared_by_every_worker_of_a_machine():
    cache = cache_from_url(DEFAULT_CACHE_URL)

    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "atlas_cache"
    # Django's default of 300 entries would cull rate limit counts under ordinary traffic.
    assert cache["OPTIONS"]["MAX_ENTRIES"] >= 10_000


@pytest.mark.parametrize(
    "url",
    ["redis://127.0.0.1:6379/0", "rediss://:secret@cache.example.org:6380/1", "unix:///r.sock"],
)
def test_redis_urls_go_to_djangos_redis_cache_as_written(url):
    cache = cache_from_url(url)

    assert cache == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


@pytest.mark.parametrize("url", ["memcached://127.0.0.1", "db://", "redis", "", "file:///tmp"])
def test_an_unknown_cache_url_is_refused_with_the_forms_it_takes(url):
    with pytest.raises(ImproperlyConfigured, match="db://TABLE, redis://HOST:PORT/DB"):
        cache_from_url(url)
