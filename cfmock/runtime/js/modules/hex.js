// hex. Decoding stops at the first pair that is not two hex digits, as in Node and njs.
var HEX = '0123456789abcdef0123456789ABCDEF';

function hexEncode(b) {
  for (var s = '', i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15]; // indexing: a method call costs more
  return s;
}

function hexDecode(s) {
  for (var n = s.length >> 1, o = new Uint8Array(n), i = 0, hi, lo; i < n; i++) {
    hi = HEX.indexOf(s.charAt(2 * i));
    lo = HEX.indexOf(s.charAt(2 * i + 1));
    if (hi < 0 || lo < 0) return o.slice(0, i);
    o[i] = ((hi & 15) << 4) | (lo & 15);
  }
  return o;
}
