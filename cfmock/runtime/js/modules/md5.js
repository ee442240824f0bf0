// MD5 block function for hash.js (RFC 1321; K[i] is floor(|sin(i + 1)| * 2^32)).
var MD5_K = new Int32Array(64), MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
for (let i = 0; i < 64; i++) MD5_K[i] = Math.abs(Math.sin(i + 1)) * 4294967296;

function md5Block(h, b, o, w) {
  var a = h[0], x = h[1], c = h[2], d = h[3], f, g, s, t, i;
  for (i = 0; i < 16; i++, o += 4) w[i] = b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24;
  for (i = 0; i < 64; i++) {
    if (i < 16) f = x & c | ~x & d, g = i;
    else if (i < 32) f = d & x | ~d & c, g = 5 * i + 1 & 15;
    else if (i < 48) f = x ^ c ^ d, g = 3 * i + 5 & 15;
    else f = c ^ (x | ~d), g = 7 * i & 15;
    t = d, d = c, c = x;
    f = a + f + MD5_K[i] + w[g] | 0, s = MD5_S[i >> 4 << 2 | i & 3];
    x = x + (f << s | f >>> 32 - s) | 0, a = t;
  }
  h[0] += a, h[1] += x, h[2] += c, h[3] += d;
}

HASHES.md5 = [md5Block, 16, true, [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]];
