// base64 and base64url. Decoding is Node's: either alphabet, unknown characters skipped, stops at '='.
var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_';

function b64Encode(b, url) {
  var abc = url ? B64.slice(0, 62) + '-_' : B64, s = '', n = b.length, i, v;
  for (i = 0; i < n; i += 3) {
    v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += abc.charAt(v >> 18) + abc.charAt((v >> 12) & 63) + abc.charAt((v >> 6) & 63) + abc.charAt(v & 63);
  }
  n %= 3;
  return n === 0 ? s : s.slice(0, n - 3) + (url ? '' : n === 1 ? '==' : '=');
}

function b64Decode(s) {
  for (var o = new Uint8Array((s.length * 3) >> 2), j = 0, acc = 0, bits = 0, i = 0, v; i < s.length; i++) {
    v = B64.indexOf(s.charAt(i));
    if (v < 0) {
      if (s.charAt(i) === '=') break;
      continue;
    }
    acc = ((acc << 6) | (v > 63 ? v - 2 : v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) o[j++] = acc >> (bits -= 8);
  }
  return j < o.length ? o.slice(0, j) : o;
}
