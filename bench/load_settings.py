"""Settings of the load test's server (``bench_load.py``): the production settings, plus one
bare view (``/bench/bare/``) that goes through the same middleware and renders nothing, the
denominator of the load test's ratio; with ``PARINDEX_BENCH_CACHE`` (a folder), the cache is
a file cache there, shared by the server's workers, as docs/deployment.md advises for several
workers on one machine. Never used outside the load test."""

import os

from parindex.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
if os.environ.get("PARINDEX_BENCH_CACHE"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["PARINDEX_BENCH_CACHE"],
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
