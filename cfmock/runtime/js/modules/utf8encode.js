// String -> UTF-8 bytes (WHATWG: a lone surrogate becomes U+FFFD).
function utf8Encode(s) {
  for (var n = s.length, o = new Uint8Array(n * 3), j = 0, i = 0, c, d; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 128) {
      o[j++] = c;
      continue;
    }
    if (c < 2048) {
      o[j++] = 192 | (c >> 6);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        d = s.charCodeAt(i + 1);
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          c = ((c - 0xd7c0) << 10) + d - 0xdc00;
          i++;
          o[j++] = 240 | (c >> 18);
          o[j++] = 128 | ((c >> 12) & 63);
        } else {
          c = 0xfffd;
        }
      }
      if (c < 65536) o[j++] = 224 | (c >> 12);
      o[j++] = 128 | ((c >> 6) & 63);
    }
    o[j++] = 128 | (c & 63);
  }
  return j < o.length ? o.slice(0, j) : o;
}
