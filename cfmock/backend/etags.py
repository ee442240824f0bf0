"""Version-encoded ETags (decisions 2): CloudFront's ETags encode a per-resource version number."""

from __future__ import annotations

from functools import lru_cache

# Seen on every real resource at versions 1 and 2 (api.md §3.2).
_KNOWN = {1: "ETVPDKIKX0DER", 2: "E3UN6WX5RRO2AG"}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WIDTH = 13
_MODULUS = 36**_WIDTH
# An affine map n -> (a*n + b) mod 36**13 with a coprime to 36 (odd, not a multiple of 3) is a bijection,
# so generated ETags are unique per version while looking as opaque as CloudFront's.
_MULTIPLIER = 0x9E3779B97F4A7C15
_OFFSET = 0x2545F4914F6CDD1D


@lru_cache(maxsize=4096)
def etag_for_version(version: int) -> str:
    """Return the ETag of ``version`` (>= 1): deterministic, unique per version, ``E[A-Z0-9]{12,13}``."""
    if version < 1:
        raise ValueError(f"versions start at 1, got {version}")
    known = _KNOWN.get(version)
    if known is not None:
        return known
    value = (version * _MULTIPLIER + _OFFSET) % _MODULUS
    digits = []
    for _ in range(_WIDTH):
        value, digit = divmod(value, 36)
        digits.append(_ALPHABET[digit])
    return "E" + "".join(reversed(digits))
