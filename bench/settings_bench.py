"""Settings for the load part of bench/sites.py: the app's own settings with the per-IP
limit of the public sites API switched off, so one load generator on 127.0.0.1 measures the
endpoint rather than the 429 answer. Only this benchmark uses it; production settings
never set PUBLIC_RATE_LIMITS (gonghui.sites.public.rate_limits_enabled defaults to on)."""

from gonghui.settings import *  # noqa: F403

PUBLIC_RATE_LIMITS = False
