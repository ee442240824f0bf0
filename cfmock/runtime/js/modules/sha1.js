// SHA-1 block function for hash.js.
function sha1Block(h, b, o, w) {
  var a = h[0], x = h[1], c = h[2], d = h[3], e = h[4], t, i;
  for (i = 0; i < 80; i++) {
    if (i < 16) w[i] = b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3], o += 4;
    else t = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], w[i] = t << 1 | t >>> 31;
    t = i < 20 ? (x & c | ~x & d) + 0x5a827999 : i < 40 ? (x ^ c ^ d) + 0x6ed9eba1
      : i < 60 ? (x & c | x & d | c & d) - 0x70e44324 : (x ^ c ^ d) - 0x359d3e2a;
    t = (a << 5 | a >>> 27) + t + e + w[i] | 0;
    e = d, d = c, c = x << 30 | x >>> 2, x = a, a = t;
  }
  h[0] += a, h[1] += x, h[2] += c, h[3] += d, h[4] += e;
}

HASHES.sha1 = [sha1Block, 20, false, [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]];
