"""Version-encoded ETags (decisions 2, api.md §3.2)."""

from __future__ import annotations

import re

import pytest

from cfmock.backend.etags import etag_for_version

FORMAT = re.compile(r"E[A-Z0-9]{12,13}")


def test_versions_one_and_two_are_cloudfronts() -> None:
    assert etag_for_version(1) == "ETVPDKIKX0DER"
    assert etag_for_version(2) == "E3UN6WX5RRO2AG"


def test_100k_versions_are_unique_and_well_formed() -> None:
    etags = [etag_for_version(v) for v in range(1, 100_001)]
    assert len(set(etags)) == len(etags)
    bad = [e for e in etags if not FORMAT.fullmatch(e)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("version", [3, 4, 1000, 36**13 - 1, 36**13, 10**30])
def test_large_versions_are_well_formed_and_differ_from_the_known_ones(version: int) -> None:
    etag = etag_for_version(version)
    assert FORMAT.fullmatch(etag)
    assert etag not in ("ETVPDKIKX0DER", "E3UN6WX5RRO2AG")


def test_deterministic_per_version() -> None:
    before = [etag_for_version(v) for v in (1, 2, 3, 77, 5000)]
    etag_for_version.cache_clear()
    assert [etag_for_version(v) for v in (1, 2, 3, 77, 5000)] == before


@pytest.mark.parametrize("version", [0, -1])
def test_versions_start_at_one(version: int) -> None:
    with pytest.raises(ValueError):
        etag_for_version(version)
