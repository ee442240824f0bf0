"""require('crypto') in the sandbox against Python's hashlib and hmac."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modules_harness import V1, V2, Sandbox, js

from cfmock.runtime.modules import fragment_names

ALGORITHMS = ("md5", "sha1", "sha256")
ENCODINGS = ("hex", "base64", "base64url", None)
# Text with non-ASCII, astral characters and the empty string; no lone surrogates (Python cannot encode them).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=150)
BYTES = st.binary(max_size=150)
FAST = settings(max_examples=40, deadline=None)


def encode(raw: bytes, encoding: str | None) -> str:
    if encoding == "hex":
        return raw.hex()
    if encoding == "base64":
        return base64.b64encode(raw).decode()
    if encoding == "base64url":
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return raw.hex()  # no encoding: compared through toString('hex') / the byte string's codes


def js_digest(expr: str, encoding: str | None, runtime: str) -> str:
    if encoding is not None:
        return f"{expr}.digest({js(encoding)})"
    if runtime == V2:
        return f"{expr}.digest().toString('hex')"
    return (
        f"Array.prototype.map.call({expr}.digest(),"
        " function (c) { return (256 + c.charCodeAt(0)).toString(16).slice(1); }).join('')"
    )


@pytest.fixture(scope="module")
def v2() -> Sandbox:
    return Sandbox("var crypto = require('crypto'); var digests = [Buffer, 'hex', 'base64'];", V2)


@pytest.fixture(scope="module")
def v1() -> Sandbox:
    return Sandbox("var crypto = require('crypto'); var digests = ['hex', 'base64']; // bytesFrom toUTF8", V1)


@FAST
@given(data=TEXT, algorithm=st.sampled_from(ALGORITHMS), encoding=st.sampled_from(ENCODINGS))
def test_hash_of_text_matches_hashlib(
    v1: Sandbox, v2: Sandbox, data: str, algorithm: str, encoding: str | None
) -> None:
    expected = encode(hashlib.new(algorithm, data.encode()).digest(), encoding)
    for runtime, box in ((V1, v1), (V2, v2)):
        expr = f"crypto.createHash({js(algorithm)}).update({js(data)})"
        assert box.eval(js_digest(expr, encoding, runtime)) == expected


@FAST
@given(data=BYTES, key=BYTES, algorithm=st.sampled_from(ALGORITHMS), encoding=st.sampled_from(ENCODINGS))
def test_hash_and_hmac_of_buffers_match_python(
    v2: Sandbox, data: bytes, key: bytes, algorithm: str, encoding: str | None
) -> None:
    expected_hash = encode(hashlib.new(algorithm, data).digest(), encoding)
    expected = encode(hmac.new(key, data, algorithm).digest(), encoding)
    key_js, data_js = f"Buffer.from({js(key.hex())}, 'hex')", f"Buffer.from({js(data.hex())}, 'hex')"
    expr = f"crypto.createHmac({js(algorithm)}, {key_js}).update({data_js})"
    assert v2.eval(js_digest(expr, encoding, V2)) == expected
    assert v2.eval(js_digest(f"crypto.createHash({js(algorithm)}).update({data_js})", encoding, V2)) == expected_hash


@FAST
@given(data=TEXT, key=TEXT, algorithm=st.sampled_from(ALGORITHMS), encoding=st.sampled_from(ENCODINGS))
def test_hmac_of_text_matches_hmac(
    v1: Sandbox, v2: Sandbox, data: str, key: str, algorithm: str, encoding: str | None
) -> None:
    expected = encode(hmac.new(key.encode(), data.encode(), algorithm).digest(), encoding)
    for runtime, box in ((V1, v1), (V2, v2)):
        expr = f"crypto.createHmac({js(algorithm)}, {js(key)}).update({js(data)})"
        assert box.eval(js_digest(expr, encoding, runtime)) == expected


@FAST
@given(parts=st.lists(TEXT, max_size=5), algorithm=st.sampled_from(ALGORITHMS))
def test_update_chains_and_concatenates(v2: Sandbox, parts: list[str], algorithm: str) -> None:
    expected = hashlib.new(algorithm, "".join(parts).encode()).hexdigest()
    chain = "".join(f".update({js(p)})" for p in parts)
    assert v2.eval(f"crypto.createHash({js(algorithm)}){chain}.digest('hex')") == expected


@FAST
@given(data=BYTES, algorithm=st.sampled_from(ALGORITHMS))
def test_1_0_byte_strings_are_hashed_as_bytes(v1: Sandbox, data: bytes, algorithm: str) -> None:
    """njs hashes a byte string's raw bytes (a key from String.bytesFrom, a digest() result)."""
    expected = hmac.new(data, data, algorithm).hexdigest()
    key = f"String.bytesFrom({js(data.hex())}, 'hex')"
    assert v1.eval(f"crypto.createHmac({js(algorithm)}, {key}).update({key}).digest('hex')") == expected


def test_block_boundaries_and_long_keys(v2: Sandbox) -> None:
    for size in (0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000):
        data = "é" * (size // 2) + "a" * (size % 2)
        for algorithm in ALGORITHMS:
            assert v2.eval(f"crypto.createHash({js(algorithm)}).update({js(data)}).digest('hex')") == (
                hashlib.new(algorithm, data.encode()).hexdigest()
            )
            key = "k" * size
            assert v2.eval(f"crypto.createHmac({js(algorithm)}, {js(key)}).update('x').digest('base64')") == (
                base64.b64encode(hmac.new(key.encode(), b"x", algorithm).digest()).decode()
            )


def test_digest_without_encoding_is_a_buffer_in_2_0_and_a_byte_string_in_1_0(v1: Sandbox, v2: Sandbox) -> None:
    raw = hashlib.sha256(b"abc").digest()
    assert v2.eval("Buffer.isBuffer(crypto.createHash('sha256').update('abc').digest())") is True
    assert v2.eval("crypto.createHash('sha256').update('abc').digest().length") == 32
    digest = v1.eval("crypto.createHash('sha256').update('abc').digest()")
    assert isinstance(digest, str) and digest.encode("latin-1") == raw
    # The 1.0 byte string round-trips into another hash as raw bytes.
    assert v1.eval(
        "crypto.createHash('md5').update(crypto.createHash('sha256').update('abc').digest()).digest('hex')"
    ) == (hashlib.md5(raw).hexdigest())


def test_input_encodings_and_typed_arrays(v2: Sandbox) -> None:
    expected = hashlib.sha1(b"AB").hexdigest()
    for call in ("update('4142', 'hex')", "update('QUI=', 'base64')", "update('QUI', 'base64url')",
                 "update('AB', 'utf8')", "update(new Uint8Array([65, 66]))", "update(new Uint8Array([65, 66]).buffer)",
                 "update(Buffer.from('XABX').subarray(1, 3))",
                 "update(new DataView(new Uint8Array([65, 66]).buffer))"):  # fmt: skip
        assert v2.eval(f"crypto.createHash('sha1').{call}.digest('hex')") == expected, call


def test_update_copies_its_input(v2: Sandbox) -> None:
    expr = (
        "(function () { var b = Buffer.from('AB'), h = crypto.createHash('md5').update(b); b[0] = 0;"
        " return h.digest('hex'); })()"
    )
    assert v2.eval(expr) == hashlib.md5(b"AB").hexdigest()


def test_copy_forks_the_state(v2: Sandbox) -> None:
    expr = (
        "(function () { var h = crypto.createHash('sha256').update('a'), c = h.copy(); h.update('b');"
        " return [h.digest('hex'), c.digest('hex')]; })()"
    )
    assert v2.eval(expr) == [hashlib.sha256(b"ab").hexdigest(), hashlib.sha256(b"a").hexdigest()]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("crypto.createHash('sha512')", 'TypeError: not supported algorithm: "sha512"'),
        ("crypto.createHmac('SHA256', 'k')", 'TypeError: not supported algorithm: "SHA256"'),
        ("crypto.createHash(1)", "TypeError: algorithm must be a string"),
        ("crypto.createHash('md5').digest('latin1')", 'TypeError: Unknown digest encoding: "latin1"'),
        ("crypto.createHash('md5').digest(1)", "TypeError: encoding must be a string"),
        ("crypto.createHash('md5').update({})", "TypeError: data is not a string or Buffer-like object"),
        ("crypto.createHash('md5').update(undefined)", "TypeError: data is not a string or Buffer-like object"),
        ("crypto.createHmac('md5', 5)", "TypeError: key is not a string or Buffer-like object"),
        ("crypto.createHash('md5').update('a', 'utf16le')", 'TypeError: "utf16le" encoding is not supported'),
        (
            "(function (h) { h.digest('hex'); h.digest('hex'); })(crypto.createHash('md5'))",
            "TypeError: Digest already called",
        ),
        (
            "(function (h) { h.digest(); h.update('a'); })(crypto.createHmac('md5', 'k'))",
            "TypeError: Digest already called",
        ),
        ("(function (h) { h.digest(); h.copy(); })(crypto.createHash('md5'))", "TypeError: Digest already called"),
    ],
)
def test_errors_use_njs_wording(v2: Sandbox, expression: str, message: str) -> None:
    assert v2.error(expression) == message


def test_only_the_named_algorithms_and_encoders_are_loaded() -> None:
    literal = "var c = require('crypto'); c.createHmac('sha256', k).update(x).digest('hex');"
    assert fragment_names(literal, V2) == ("core", "utf8encode", "hex", "hash", "sha256")
    assert fragment_names(literal, V1) == ("core", "utf8encode", "hex", "hash", "sha256")
    assert "bytestr" in fragment_names(literal.replace("digest('hex')", "digest()"), V1)
    assert "bytestr" in fragment_names(literal + " String.bytesFrom(k, 'hex');", V1)
    computed = "var c = require('crypto'); function h(alg) { return c.createHash(alg).digest('base64'); }"
    assert {"md5", "sha1", "sha256", "base64"} <= set(fragment_names(computed, V2))
    aliased = "var c = require('crypto'), make = c.createHash; make('md5');"
    assert {"md5", "sha1", "sha256"} <= set(fragment_names(aliased, V2))
    assert "buffer" in fragment_names("require('crypto').createHash('md5').update(x).digest()", V2)
    assert "buffer" not in fragment_names("require('crypto').createHash('md5').update(x).digest('hex')", V2)


def test_a_computed_algorithm_name_works() -> None:
    box = Sandbox(
        "var crypto = require('crypto'); function h(a) { return crypto.createHash(a).update('x').digest('hex'); }", V1
    )
    for algorithm in ALGORITHMS:
        assert box.eval(f"h({js(algorithm)})") == hashlib.new(algorithm, b"x").hexdigest()


ALL_CRYPTO = {"hash", "md5", "sha1", "sha256", "hex", "base64"}
ALGORITHMS_AND_HEX = {"hash", "md5", "sha1", "sha256", "hex"}
MD5_AND_CODECS = {"hash", "md5", "hex", "base64"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # An algorithm is read only from a literal that is the whole argument.
        ("c.createHash('sha' + bits).update(x).digest('hex')", ALGORITHMS_AND_HEX),
        ("c.createHmac('SHA256'.toLowerCase(), k).update(x).digest('hex')", ALGORITHMS_AND_HEX),
        ("c.createHash(`sha${bits}`).update(x).digest('hex')", ALGORITHMS_AND_HEX),
        ("c.createHash('md' + 5).update(x).digest('base64')", {"hash", "md5", "sha1", "sha256", "base64"}),
        # An input encoding is read only from a literal that is the whole second argument of update().
        ("c.createHash('md5').update('6869', ['he', 'x'].join('')).digest('base64')", MD5_AND_CODECS),
        ("c.createHash('md5').update(s, enc).digest('hex')", MD5_AND_CODECS),
        ("c.createHash('md5').update(s, 'base' + 64).digest('hex')", MD5_AND_CODECS),
        ("c.createHash('md5').update(s, `${e}`).digest('hex')", MD5_AND_CODECS),
        ("c.createHash('md5').update(...args).digest('hex')", MD5_AND_CODECS),
        ("c.createHash('md5').update(s, /* enc */ e).digest('hex')", MD5_AND_CODECS),
        ("var h = c.createHash('md5'); h.update.call(h, s, e); h.digest('hex')", MD5_AND_CODECS),
        ("var h = c.createHash('md5'); h['update'](s, e); h.digest('hex')", MD5_AND_CODECS),
        # A digest encoding likewise (it may also be none: the digest is then bytes).
        ("c.createHash('md5').update(s).digest('he' + 'x')", MD5_AND_CODECS),
        ("c.createHash('md5').update(s).digest('HEX'.toLowerCase())", MD5_AND_CODECS),
    ],
)
@pytest.mark.parametrize("runtime", [V1, V2])
def test_a_computed_algorithm_or_encoding_loads_all_it_could_name(code: str, expected: set[str], runtime: str) -> None:
    names = set(fragment_names("var c = require('crypto'), bits = 256; " + code, runtime))
    assert names & ALL_CRYPTO == expected, names


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("c.createHash('md5').update(s).digest('base64')", {"md5", "base64"}),
        ("c.createHash( 'sha1' ).update(s, 'utf8').digest('hex')", {"sha1", "hex"}),
        ("c.createHmac('sha256', k).update(`${a}.${b}`).digest('base64url')", {"sha256", "base64"}),
        ("c.createHmac(\"md5\", f(k, 'x')).update(g(a, b), \"utf8\").digest('hex')", {"md5", "hex"}),
        ("c.createHash('sha1').update(s, 'hex').digest('base64')", {"sha1", "hex", "base64"}),
        ("c.createHash('md5').update(a).update(b, 'utf8', ).digest('hex')", {"md5", "hex"}),
    ],
)
def test_literal_names_still_load_only_what_they_name(code: str, expected: set[str]) -> None:
    for runtime in (V1, V2):
        names = set(fragment_names("var c = require('crypto'); " + code, runtime))
        assert names & ALL_CRYPTO == {"hash"} | expected, names
        assert not names & {"buffer", "bytestr"}, names


@pytest.mark.parametrize("runtime", [V1, V2])
def test_computed_encodings_work(runtime: str) -> None:
    hash_box = Sandbox(
        "var crypto = require('crypto');"
        " function h(a, d, e) { return crypto.createHash(a + '').update(d, e + '').digest('hex'); }",
        runtime,
    )
    hmac_box = Sandbox(
        "var crypto = require('crypto');"
        " function g(a, d, e, out) { return crypto.createHmac(a + '', 'k').update(d, e + '').digest(out + ''); }",
        runtime,
    )
    for algorithm in ALGORITHMS:
        for data, encoding in ((b"hi".hex(), "hex"), (base64.b64encode(b"hi").decode(), "base64"), ("hi", "utf8")):
            expected = hashlib.new(algorithm, b"hi").hexdigest()
            assert hash_box.eval(f"h({js(algorithm)}, {js(data)}, {js(encoding)})") == expected
            for out in ("hex", "base64", "base64url"):
                expected = encode(hmac.new(b"k", b"hi", algorithm).digest(), out)
                assert hmac_box.eval(f"g({js(algorithm)}, {js(data)}, {js(encoding)}, {js(out)})") == expected


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_hmac_key_states_are_kept_per_key(v2: Sandbox, algorithm: str) -> None:
    # createHmac keeps the last key's block states: alternating keys (a long one, one that is a prefix of
    # another, an empty one) and reusing one must each give that key's HMAC.
    keys = ["k" * 100, "key", "key\0", "", "key", "k" * 100, "other"]
    expr = (
        f"{js(keys)}.map(function (k, i) {{ return crypto.createHmac({js(algorithm)}, k)"
        ".update('message ' + i).digest('hex'); })"
    )
    expected = [hmac.new(k.encode(), f"message {i}".encode(), algorithm).hexdigest() for i, k in enumerate(keys)]
    assert v2.eval(expr) == expected
