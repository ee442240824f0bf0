// UTF-8 bytes b[start:end] -> string (WHATWG: each maximal invalid subsequence becomes one U+FFFD).
// With fatal, answers null at the first invalid sequence instead.
function utf8Decode(b, start, end, fatal) {
  var codes = [], s = '', cp = 0, need = 0, seen = 0, lo = 128, hi = 191, x, i;
  for (i = start; i < end; i++) {
    x = b[i];
    if (need === 0) {
      if (x < 128) {
        codes.push(x);
      } else if (x >= 0xc2 && x <= 0xf4) {
        need = x < 0xe0 ? 1 : x < 0xf0 ? 2 : 3;
        cp = x & (need === 1 ? 31 : need === 2 ? 15 : 7);
        if (x === 0xe0) lo = 0xa0;
        else if (x === 0xed) hi = 0x9f;
        else if (x === 0xf0) lo = 0x90;
        else if (x === 0xf4) hi = 0x8f;
      } else {
        if (fatal) return null;
        codes.push(0xfffd);
      }
    } else if (x < lo || x > hi) {
      if (fatal) return null;
      codes.push(0xfffd);
      cp = need = seen = 0;
      lo = 128;
      hi = 191;
      i--;
    } else {
      lo = 128;
      hi = 191;
      cp = (cp << 6) | (x & 63);
      if (++seen === need) {
        if (cp > 0xffff) codes.push(0xd7c0 + (cp >> 10), 0xdc00 + (cp & 1023));
        else codes.push(cp);
        cp = need = seen = 0;
      }
    }
    if (codes.length > 4096) {
      s += String.fromCharCode.apply(null, codes);
      codes = [];
    }
  }
  if (need) {
    if (fatal) return null;
    codes.push(0xfffd);
  }
  return s + String.fromCharCode.apply(null, codes);
}
