// SHA-256 block function for hash.js. The constants are the fractional parts of the square and cube
// roots of the first 64 primes (FIPS 180-4). A rotation is written x >>> n ^ x << 32 - n: the halves
// share no bits, so ^ equals | and needs no parentheses (parentheses cost QuickJS compile time).
var SHA256_K = new Int32Array(64), SHA256_H = new Int32Array(8), SHA256_P = '\u0002\u0003\u0005\u0007\u000b\u000d\u0011\u0013\u0017\u001d\u001f\u0025\u0029\u002b\u002f\u0035\u003b\u003d\u0043\u0047\u0049\u004f\u0053\u0059\u0061\u0065\u0067\u006b\u006d\u0071\u007f\u0083\u0089\u008b\u0095\u0097\u009d\u00a3\u00a7\u00ad\u00b3\u00b5\u00bf\u00c1\u00c5\u00c7\u00d3\u00df\u00e3\u00e5\u00e9\u00ef\u00f1\u00fb\u0101\u0107\u010d\u010f\u0115\u0119\u011b\u0125\u0133\u0137';
for (let i = 0; i < 64; i++) {
  SHA256_K[i] = Math.cbrt(SHA256_P.charCodeAt(i)) % 1 * 4294967296;
  if (i < 8) SHA256_H[i] = Math.sqrt(SHA256_P.charCodeAt(i)) % 1 * 4294967296;
}

function sha256Block(h, b, o, w) {
  var a = h[0], x = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7], K = SHA256_K, t, u, i;
  for (i = 0; i < 64; i++) {
    if (i < 16) w[i] = b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3], o += 4;
    else t = w[i - 15], u = w[i - 2], w[i] = (t >>> 7 ^ t << 25 ^ t >>> 18 ^ t << 14 ^ t >>> 3) +
      (u >>> 17 ^ u << 15 ^ u >>> 19 ^ u << 13 ^ u >>> 10) + w[i - 16] + w[i - 7];
    t = k + (e >>> 6 ^ e << 26 ^ e >>> 11 ^ e << 21 ^ e >>> 25 ^ e << 7) + (e & f ^ ~e & g) + K[i] + w[i] | 0;
    u = (a >>> 2 ^ a << 30 ^ a >>> 13 ^ a << 19 ^ a >>> 22 ^ a << 10) + (a & x ^ a & c ^ x & c);
    k = g, g = f, f = e, e = d + t | 0, d = c, c = x, x = a, a = t + u | 0;
  }
  h[0] += a, h[1] += x, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

HASHES.sha256 = [sha256Block, 32, false, SHA256_H];
