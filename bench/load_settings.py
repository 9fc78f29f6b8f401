"""Settings of the load test's server (``bench_load.py``): the production settings, plus one
bare view (``/bench/bare/``) that goes through the same middleware and renders nothing, the
denominator of the load test's ratio. Never used outside the load test."""

from parindex.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
