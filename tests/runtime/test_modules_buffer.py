"""Runtime 2.0 globals (Buffer, TextEncoder, TextDecoder, atob, btoa) and the 1.0 byte-string methods."""

from __future__ import annotations

import base64
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modules_harness import V1, V2, Sandbox, js

FAST = settings(max_examples=50, deadline=None)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def box() -> Sandbox:
    return Sandbox("// Buffer TextEncoder TextDecoder atob btoa fill copy write readUInt8 indexOf", V2)


@FAST
@given(raw=st.binary(max_size=80))
def test_encodings_round_trip_against_python(box: Sandbox, raw: bytes) -> None:
    hexed = js(raw.hex())
    assert box.eval(f"Buffer.from({hexed}, 'hex').toString('base64')") == base64.b64encode(raw).decode()
    assert box.eval(f"Buffer.from({hexed}, 'hex').toString('base64url')") == b64url(raw)
    assert box.eval(f"Buffer.from({js(base64.b64encode(raw).decode())}, 'base64').toString('hex')") == raw.hex()
    assert box.eval(f"Buffer.from({js(b64url(raw))}, 'base64url').toString('hex')") == raw.hex()
    # base64 decoding takes either alphabet, with or without padding, as in Node.
    assert box.eval(f"Buffer.from({js(b64url(raw))}, 'base64').toString('hex')") == raw.hex()
    assert box.eval(f"Buffer.from({hexed}, 'hex').toString()") == raw.decode("utf-8", "replace")
    assert box.eval(f"Buffer.from({hexed}, 'hex').toJSON()") == {"type": "Buffer", "data": list(raw)}
    assert box.eval(f"new TextDecoder().decode(Buffer.from({hexed}, 'hex'))") == raw.decode("utf-8", "replace")
    latin1 = raw.decode("latin-1")
    assert box.eval(f"btoa({js(latin1)})") == base64.b64encode(raw).decode()
    assert box.eval(f"atob({js(base64.b64encode(raw).decode())})") == latin1


@FAST
@given(text=TEXT)
def test_utf8_round_trips(box: Sandbox, text: str) -> None:
    utf8 = text.encode()
    assert box.eval(f"Buffer.from({js(text)}).toString('hex')") == utf8.hex()
    assert box.eval(f"Buffer.from({js(text)}, 'utf-8').toString()") == text
    assert box.eval(f"Buffer.byteLength({js(text)})") == len(utf8)
    assert box.eval(f"Array.from(new TextEncoder().encode({js(text)}))") == list(utf8)
    assert box.eval(f"new TextDecoder('utf-8', {{fatal: true}}).decode(new TextEncoder().encode({js(text)}))") == text


def test_lone_surrogates_encode_as_replacement(box: Sandbox) -> None:
    assert box.eval("Buffer.from('a\\ud800b\\udc00').toString('hex')") == "61efbfbd62efbfbd"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Buffer.from('aa0', 'hex').toString('hex')", "aa"),
        ("Buffer.from('deadBEEF##', 'hex').toString('hex')", "deadbeef"),
        ("Buffer.from('zz11', 'hex').length", 0),
        ("Buffer.from('QUJDRA#', 'base64url').toString()", "ABCD"),
        ("Buffer.from('Q', 'base64').length", 0),
        ("Buffer.from('QQ==', 'base64').toString()", "A"),
        ("Buffer.from([-1, 1, 255, 22323, -Infinity, Infinity, NaN]).toString('hex')", "ff01ff33000000"),
        ("Buffer.from({length: 3, 0: 0x62, 1: 0x75, 2: 0x66}).toString()", "buf"),
        ("Buffer.from({type: 'Buffer', data: [0xaa, 0xbb]}).toString('hex')", "aabb"),
        ("Buffer.from(new String('00aa'), 'hex').toString('hex')", "00aa"),
        ("Buffer.from(new Uint16Array([234, 123])).toString('hex')", "ea7b"),
        ("Buffer.from(new Uint8Array([0xaa, 0xbb, 0xcc]).buffer, 1, 1).toString('hex')", "bb"),
        ("(function () { var a = new Uint8Array([1, 2]), b = Buffer.from(a.buffer); b[0] = 9; return a[0]; })()", 9),
        ("(function () { var a = Buffer.from('ab'), b = Buffer.from(a); b[0] = 0; return a.toString(); })()", "ab"),
        ("Buffer.from('abcdef').toString('utf8', 1, 3)", "bc"),
        ("Buffer.from('abc').toString('hex', 5)", ""),
        ("Buffer.alloc(3).toString('hex')", "000000"),
        ("Buffer.alloc(4, '414243', 'hex').toString()", "ABCA"),
        ("Buffer.alloc(3, 0x61).toString()", "aaa"),
        ("Buffer.allocUnsafe(2).length", 2),
        ("Buffer.concat([Buffer.from('ab'), new Uint8Array([0x63]), Buffer.from('')]).toString()", "abc"),
        ("Buffer.concat([Buffer.from('abc'), Buffer.from('def')], 4).toString()", "abcd"),
        ("Buffer.concat([Buffer.from('ab')], 4).toString('hex')", "61620000"),
        (
            "[Buffer.compare(Buffer.from('abc'), Buffer.from('abd')),"
            " Buffer.compare(Buffer.from('b'), Buffer.from('ab'))]",
            [-1, 1],
        ),
        ("[Buffer.from('ab').equals(Buffer.from('ab')), Buffer.from('ab').equals(Buffer.from('abc'))]", [True, False]),
        ("Buffer.from('abcdef').compare(Buffer.from('def'), 0, 3, 3, 6)", 0),
        (
            "[Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1)),"
            " Buffer.from('x') instanceof Uint8Array]",
            [True, False, True],
        ),
        (
            "['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'UTF8'].map(Buffer.isEncoding)",
            [True] * 5 + [False, False],
        ),
        ("[Buffer.byteLength('QUJD', 'base64'), Buffer.byteLength(new ArrayBuffer(3))]", [3, 3]),
        ("Buffer.from('abc').subarray(1).toString()", "bc"),
        (
            "(function () { var b = Buffer.from('abc'), s = b.slice(1, 2); s[0] = 0x5a;"
            " return [b.toString(), s.constructor === Buffer]; })()",
            ["aZc", True],
        ),
        ("Buffer.from('abc').map(function (x) { return x + 1; }).toString()", "bcd"),
        ("JSON.stringify({b: Buffer.from([1, 2])})", '{"b":{"type":"Buffer","data":[1,2]}}'),
        ("Buffer('hi').toString()", "hi"),
        ("String(Buffer.from('hi'))", "hi"),
        # bufferext
        ("Buffer.from('abc').fill('x').toString()", "xxx"),
        ("Buffer.from('abcdef').fill('xy', 1, 5).toString()", "axyxyf"),
        ("Buffer.from('abc').fill('41', 'hex').toString()", "AAA"),
        (
            "(function () { var b = Buffer.from('0123456789'); return b.fill(b.subarray(0, 4), 6).toString(); })()",
            "0123450123",
        ),
        (
            "[Buffer.from('abcabc').indexOf('c'), Buffer.from('abcabc').lastIndexOf('c'),"
            " Buffer.from('abcabc').indexOf(0x62, 2)]",
            [2, 5, 4],
        ),
        (
            "[Buffer.from('abcdef').indexOf('626364', 'hex'), Buffer.from('abc').indexOf('', 4),"
            " Buffer.from('abc').includes('bd')]",
            [1, 3, False],
        ),
        (
            "[Buffer.from('abcdef').indexOf('def', -3), Buffer.from('xxxABCx').lastIndexOf('ABC', 3),"
            " Buffer.from('ab').lastIndexOf(7, 2)]",
            [3, 3, -1],
        ),
        (
            "(function () { var t = Buffer.from('123456789');"
            " return [Buffer.from('abc').copy(t, 5), t.toString()]; })()",
            [3, "12345abc9"],
        ),
        (
            "(function () { var b = Buffer.alloc(10).fill('Z'); return [b.write('αβγ', 1, 2), b.toString()]; })()",
            [2, "ZαZZZZZZZ"],
        ),
        (
            "(function () { var b = Buffer.alloc(4); return [b.write('414243', 'hex'), b.toString('hex')]; })()",
            [3, "41424300"],
        ),
        ("Buffer.from('01020304', 'hex').swap16().toString('hex')", "02010403"),
        ("Buffer.from('aabbccddeeff0011', 'hex').swap32().toString('hex')", "ddccbbaa1100ffee"),
        (
            "Buffer.from('aabbccddeeff00112233445566778899', 'hex').swap64().toString('hex')",
            "1100ffeeddccbbaa9988776655443322",
        ),
    ],
)
def test_buffer_behaves_like_node(box: Sandbox, expression: str, expected: object) -> None:
    assert box.eval(expression) == expected


@settings(max_examples=20, deadline=None)
@given(raw=st.binary(min_size=8, max_size=8), offset=st.integers(0, 2))
def test_number_readers_match_struct(box: Sandbox, raw: bytes, offset: int) -> None:
    b = f"Buffer.from({js(raw.hex())}, 'hex')"
    for name, fmt, size in (("Int8", "b", 1), ("UInt8", "B", 1), ("Int16", "h", 2), ("UInt16", "H", 2),
                            ("Int32", "i", 4), ("UInt32", "I", 4), ("Float", "f", 4), ("Double", "d", 8)):  # fmt: skip
        if offset + size > len(raw):
            assert box.error(f"{b}.read{name}{'LE' if size > 1 else ''}({offset})") == "RangeError: Index out of range"
            continue
        for end, order in (("LE", "<"), ("BE", ">")) if size > 1 else (("", "<"),):
            (value,) = struct.unpack_from(order + fmt, raw, offset)
            got = box.eval(f"{b}.read{name}{end}({offset})")
            assert (got is None and value != value) or float(got) == value  # NaN comes back as null via JSON
            if value == value and name not in ("Float", "Double"):
                assert (
                    box.eval(
                        f"(function (x) {{ x.write{name}{end}({value}, {offset}); return x.toString('hex'); }})({b})"
                    )
                    == raw.hex()
                )
    for size in range(1, 7):
        if offset + size <= len(raw):
            chunk = raw[offset : offset + size]
            assert box.eval(f"{b}.readUIntBE({offset}, {size})") == int.from_bytes(chunk, "big")
            assert box.eval(f"{b}.readIntLE({offset}, {size})") == int.from_bytes(chunk, "little", signed=True)
            assert box.eval(f"{b}.readUintLE({offset}, {size})") == int.from_bytes(chunk, "little")


def test_number_writers(box: Sandbox) -> None:
    assert box.eval("(function (b) { return [b.writeUInt16BE(0x7788, 1), b.toString('hex')]; })(Buffer.alloc(4))") == [
        3,
        "00778800",
    ]
    assert box.eval("(function (b) { return [b.writeIntLE(-2, 1, 3), b.toString('hex')]; })(Buffer.alloc(4))") == [
        4,
        "00feffff",
    ]
    assert box.eval("(function (b) { b.writeDoubleBE(1.5); return b.readDoubleBE(0); })(Buffer.alloc(8))") == 1.5
    assert box.eval("(function (b) { return [b.writeFloatLE(123.125, 1), b.readFloatLE(1)]; })(Buffer.alloc(5))") == [
        5,
        123.125,
    ]
    assert box.error("Buffer.alloc(1).writeInt8(200)") == (
        'RangeError: The value of "value" is out of range. It must be >= -128 and <= 127. Received 200'
    )
    assert box.error("Buffer.alloc(8).readUIntBE(0, 7)") == (
        'RangeError: The value of "byteLength" is out of range. It must be >= 1 and <= 6. Received 7'
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("Buffer.from('', 'utf-128')", 'TypeError: "utf-128" encoding is not supported'),
        ("Buffer.from('').toString('latin1')", 'TypeError: "latin1" encoding is not supported'),
        ("Buffer.from({})", "TypeError: first argument is not a string or Buffer-like object"),
        ("Buffer.from(5)", "TypeError: first argument is not a string or Buffer-like object"),
        ("Buffer.from(new ArrayBuffer(2), 3)", 'RangeError: "offset" is outside of buffer bounds'),
        ("Buffer.from(new ArrayBuffer(2), 1, 2)", 'RangeError: "length" is outside of buffer bounds'),
        ("Buffer.from({length: 0x100000000})", "RangeError: invalid index"),
        ("Buffer.alloc('3')", 'TypeError: "size" argument must be of type number'),
        (
            "Buffer.from('abc').indexOf({})",
            'TypeError: "value" argument must be of type string or an instance of Buffer',
        ),
        ("Buffer.from('abcdef').copy(Buffer.alloc(6), -1)", 'RangeError: "targetStart" is out of bounds'),
        ("Buffer.from('abc').swap16()", "RangeError: Buffer size must be a multiple of 2"),
        ("Buffer.alloc(10).write('x', 11)", "RangeError: Index out of range"),
        ("Buffer.concat('ab')", 'TypeError: "list" argument must be an Array of Buffers'),
    ],
)
def test_buffer_errors(box: Sandbox, expression: str, message: str) -> None:
    assert box.error(expression) == message


def test_fill_value_that_encodes_to_no_bytes_throws(box: Sandbox) -> None:
    # Node: a fill value that is not '' but yields no bytes is ERR_INVALID_ARG_VALUE (when there is a range to fill).
    invalid = "TypeError: The argument 'value' is invalid. Received "
    assert box.error("Buffer.alloc(5, 'zz', 'hex')") == invalid + "'zz'"
    assert box.error("Buffer.alloc(5).fill('zz', 'hex')") == invalid + "'zz'"
    assert box.error("Buffer.alloc(5).fill('Q', 1, 'base64')") == invalid + "'Q'"
    assert box.error("Buffer.alloc(2).fill(Buffer.alloc(0))") == invalid + "<Buffer >"
    assert box.error("Buffer.alloc(2).fill(new Uint8Array(0))") == invalid + "Uint8Array(0) []"
    assert box.eval(
        "[Buffer.alloc(3, '').toString('hex'), Buffer.from('abc').fill('').toString('hex'),"
        " Buffer.alloc(0, 'zz', 'hex').length, Buffer.from('abc').fill('zz', 1, 1, 'hex').toString(),"
        " Buffer.alloc(2, 'aazz', 'hex').toString('hex'), Buffer.from('ab').fill(new ArrayBuffer(1)).toString('hex')]"
    ) == ["000000", "000000", 0, "abc", "aaaa", "0000"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("writeUInt8(NaN)", [1, "00ffffffffffffff"]),
        ("writeInt8(NaN, 7)", [8, "ffffffffffffff00"]),
        ("writeUInt16BE(NaN)", [2, "0000ffffffffffff"]),
        ("writeUint16LE(NaN, 1)", [3, "ff0000ffffffffff"]),
        ("writeInt16BE('x')", [2, "0000ffffffffffff"]),
        ("writeInt16LE(undefined)", [2, "0000ffffffffffff"]),
        ("writeUInt32BE(NaN)", [4, "00000000ffffffff"]),
        ("writeUInt32LE(NaN, 4)", [8, "ffffffff00000000"]),
        ("writeInt32BE(NaN)", [4, "00000000ffffffff"]),
        ("writeInt32LE(NaN)", [4, "00000000ffffffff"]),
        ("writeUIntBE(NaN, 0, 6)", [6, "000000000000ffff"]),
        ("writeUIntLE(NaN, 2, 5)", [7, "ffff0000000000ff"]),
        ("writeIntBE(NaN, 1, 3)", [4, "ff000000ffffffff"]),
        ("writeIntLE(NaN, 0, 6)", [6, "000000000000ffff"]),
    ],
)
def test_integer_writers_store_nan_as_zero(box: Sandbox, call: str, expected: list[object]) -> None:
    # Node: value = +value; NaN passes the range check (comparisons are false) and is stored as 0.
    assert box.eval(f"(function (b) {{ return [b.{call}, b.toString('hex')]; }})(Buffer.alloc(8, 0xff))") == expected


@pytest.mark.parametrize(
    "call",
    [
        "writeUInt16BE(65536)",
        "writeUInt8(-1)",
        "writeInt32LE(-Infinity)",
        "writeIntBE(Infinity, 0, 6)",
        "writeUIntLE(-0.5, 0, 3)",
    ],
)
def test_integer_writers_still_reject_out_of_range_numbers(box: Sandbox, call: str) -> None:
    assert box.error(f"Buffer.alloc(8).{call}").startswith('RangeError: The value of "value" is out of range.')


def test_copy_offsets_like_node(box: Sandbox) -> None:
    copy = "(function (t) {{ return [Buffer.from('abc').copy(t, {}), t.toString()]; }})(Buffer.from('12345'))"
    # targetStart at or past the target's end copies nothing (it does not throw).
    assert box.eval(copy.format("6")) == [0, "12345"]
    assert box.eval(copy.format("5")) == [0, "12345"]
    assert box.eval(copy.format("1e9")) == [0, "12345"]
    # Offsets go through Node's toInteger: floor, and 0 for NaN or beyond +-2**53 (so an infinite end copies nothing).
    assert box.eval(copy.format("'1'")) == [3, "1abc5"]
    assert box.eval(copy.format("'x'")) == [3, "abc45"]
    assert box.eval(copy.format("1.9, 0.5, 2.5")) == [2, "1ab45"]
    assert box.eval(copy.format("0, 1, Infinity")) == [0, "12345"]
    assert box.eval(copy.format("3, 1, 99")) == [2, "123bc"]
    assert box.eval(copy.format("0, 2, 1")) == [0, "12345"]
    assert box.eval(copy.format("0, 3")) == [0, "12345"]
    assert box.eval("Buffer.from('abcdef').subarray(2).copy(Buffer.alloc(4), '0', '1')") == 3
    # Negative offsets, and a start past the source's end, throw.
    assert box.error("Buffer.from('abc').copy(Buffer.alloc(5), -0.5)") == 'RangeError: "targetStart" is out of bounds'
    assert box.error("Buffer.from('abc').copy(Buffer.alloc(5), 0, -1)") == 'RangeError: "sourceStart" is out of bounds'
    assert box.error("Buffer.from('abc').copy(Buffer.alloc(5), 0, 4)") == 'RangeError: "sourceStart" is out of bounds'
    assert box.error("Buffer.from('abc').copy(Buffer.alloc(5), 0, 0, -1)") == 'RangeError: "sourceEnd" is out of bounds'


def test_byte_length_of_a_string_in_an_unknown_encoding_is_its_utf8_length(box: Sandbox) -> None:
    assert box.eval(
        "[Buffer.byteLength('abc', 'nope'), Buffer.byteLength('\u00e9', 'latin2'), Buffer.byteLength('abc', 5),"
        " Buffer.byteLength('', 'nope'), Buffer.byteLength('abcd', null), Buffer.byteLength('abcd', 'hex')]"
    ) == [3, 2, 3, 0, 4, 2]


def test_text_encoder_and_decoder(box: Sandbox) -> None:
    assert box.eval("new TextEncoder().encoding") == "utf-8"
    assert box.eval("new TextEncoder().encode() instanceof Uint8Array") is True
    assert box.eval(
        "(function () { var d = new Uint8Array(5), r = new TextEncoder().encodeInto('aé€', d);"
        " return [r, Array.from(d)]; })()"
    ) == [
        {"read": 2, "written": 3},
        [0x61, 0xC3, 0xA9, 0, 0],
    ]
    assert box.eval("new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))") == "A"
    assert (
        box.eval("new TextDecoder('utf8', {ignoreBOM: true}).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))")
        == "\ufeffA"
    )
    assert box.eval("new TextDecoder().decode(new Uint8Array([0xf0, 0x9f]).buffer)") == "\ufffd"
    stream = (
        "(function () { var d = new TextDecoder(), b = Buffer.from('€😀');"
        " return [d.decode(b.subarray(0, 2), {stream: true}), d.decode(b.subarray(2, 5), {stream: true}),"
        " d.decode(b.subarray(5))]; })()"
    )
    assert box.eval(stream) == ["", "€", "😀"]
    assert box.eval("[new TextDecoder().encoding, new TextDecoder('UTF-8', {fatal: true}).fatal]") == ["utf-8", True]
    assert (
        box.error("new TextDecoder('utf-8', {fatal: true}).decode(new Uint8Array([0xc3]))")
        == "TypeError: The encoded data was not valid"
    )
    assert box.error("new TextDecoder('latin1')") == 'RangeError: The "latin1" encoding is not supported'


def test_atob_and_btoa(box: Sandbox) -> None:
    assert box.eval("[btoa(undefined), btoa(''), btoa('\\x00\\xfe\\xff')]") == ["dW5kZWZpbmVk", "", "AP7/"]
    assert box.eval("[atob(' C D\\nR W '), atob('TQ'), atob('')]") == ["\x08\x34\x56", "M", ""]
    assert box.error("btoa('\\u0100')") == "TypeError: invalid character (> U+00FF)"
    for bad in ("=", "A==A", "AA@", "\\vCDRW", "undefined", "QQ-_"):
        assert box.error(f"atob('{bad}')") == "TypeError: the string to be decoded is not correctly encoded", bad


def test_runtime_1_0_has_no_2_0_globals_and_has_byte_strings() -> None:
    box = Sandbox("// Buffer TextEncoder TextDecoder atob btoa bytesFrom fromBytes fromUTF8 toBytes toUTF8", V1)
    assert (
        box.eval("[typeof Buffer, typeof TextEncoder, typeof TextDecoder, typeof atob, typeof btoa]")
        == ["undefined"] * 5
    )
    assert box.eval("String.bytesFrom('e282ac', 'hex').fromUTF8()") == "€"
    assert (
        box.eval(
            "String.bytesFrom([0x61, 0x62]) + String.bytesFrom('YWI', 'base64url') + ''.bytesFrom('YWI=', 'base64')"
        )
        == "ababab"
    )
    assert box.eval("['€'.toUTF8(), 'aé'.toBytes(), '€'.toBytes(), 'abc'.toUTF8(1), 'abcd'.toBytes(1, 3)]") == [
        "\xe2\x82\xac",
        "a\xe9",
        None,
        "bc",
        "bc",
    ]
    assert box.eval(
        "['\\xe2\\x82\\xac'.fromUTF8(), '\\xe2\\x82'.fromUTF8(), '€'.fromUTF8(), '\\xff'.fromBytes(), '€'.fromBytes()]"
    ) == [
        "€",
        None,
        None,
        "ÿ",
        None,
    ]
    assert box.eval("Object.keys(String.prototype).length") == 0
    assert box.error("String.bytesFrom('00', 'latin1')") == 'TypeError: Unknown encoding: "latin1"'


def test_runtime_2_0_has_no_byte_string_methods(box: Sandbox) -> None:
    assert box.eval("[typeof String.bytesFrom, typeof ''.fromUTF8, typeof ''.toBytes]") == ["undefined"] * 3
    assert box.eval("Object.keys(globalThis).filter(function (k) { return /Buffer|Text|atob|btoa/.test(k); })") == []
