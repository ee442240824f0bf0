// SHA-256 block function for hash.js. The constants are the first 32 bits of the fractional parts of the
// square and cube roots of the first 64 primes (FIPS 180-4), written out: computing them cost every run 16 us.
// Written for QuickJS's interpreter, which pays per operation, and most for an operation that reads the
// integer an arithmetic operation has just written (the published Linux wheel's compiler stores it in
// halves and reloads it whole); a float sum does not pay that. So: the message schedule and the working
// variables are locals (no array per round); 16 rounds are unrolled, renaming the variables instead of
// shifting them; shift counts are locals too (pushing a constant costs more than reading a local); each
// sum starts with a float (K[j] and p32 carry 2^32, which | 0 drops) so its additions stay on the float
// path; a rotation is x << 32 - n ^ x >>> n (the halves share no bits, so ^ equals |), left half first.
// tests/runtime/test_modules_crypto.py checks it against hashlib. About 2x faster than a plain loop.
// K[i] + 2^32 (the 2^32 keeps every sum on the float path; | 0 drops it).
var SHA256_K = [
  5411319704, 6194414737, 7344290767, 8215976869, 5256954459, 5803938289,
  6748603044, 7165730517, 7919348376, 4605565697, 4902192574, 5721849283,
  6220045684, 6457045502, 6909855399, 7543189876, 8130357697, 8317192070,
  4559314374, 4899774924, 5065223279, 5544117418, 5850048988, 6291032282,
  6849188178, 7116801645, 7247964104, 7505280967, 7631539187, 7879496007,
  4408894289, 4633209191, 4961274501, 5068497208, 5589724668, 5691149587,
  5990150996, 6281628347, 6471993646, 6751923333, 7025453217, 7115269707,
  7554698096, 7640732067, 7811033113, 7895320100, 8389539205, 4570390640,
  4725195030, 4801915912, 4954027852, 5178965173, 5253106867, 5617789514,
  5831969359, 6042841075, 6250529518, 6319072111, 6522697748, 6656819720,
  6723403770, 7051701483, 7498998775, 7624292594
];
var SHA256_H = new Int32Array([1779033703, -1150833019, 1013904242, -1521486534, 1359893119, -1694144372, 528734635, 1541459225]);

function sha256Block(s, m, o) {
  var n2 = 2, n3 = 3, n6 = 6, n7 = 7, n8 = 8, n10 = 10, n11 = 11, n13 = 13, n14 = 14, n15 = 15, n16 = 16, n17 = 17;
  var n18 = 18, n19 = 19, n21 = 21, n22 = 22, n24 = 24, n25 = 25, n26 = 26, n30 = 30, z = 0, p32 = 4294967296;
  var K = SHA256_K, a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7], j = 0;
  var w0 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w1 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w2 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w3 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w4 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w5 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w6 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w7 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w8 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w9 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w10 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w11 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w12 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w13 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++],
    w14 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++], w15 = m[o++] << n24 | m[o++] << n16 | m[o++] << n8 | m[o++];
  for (;;) {
    h = K[j++] + h + (e << n26 ^ e >>> n6 ^ e << n21 ^ e >>> n11 ^ e << n7 ^ e >>> n25) + (g ^ e & (f ^ g)) + w0, d = h + d | z;
    h = h + (a << n30 ^ a >>> n2 ^ a << n19 ^ a >>> n13 ^ a << n10 ^ a >>> n22) + (a & b | c & (a | b)) | z;
    g = K[j++] + g + (d << n26 ^ d >>> n6 ^ d << n21 ^ d >>> n11 ^ d << n7 ^ d >>> n25) + (f ^ d & (e ^ f)) + w1, c = g + c | z;
    g = g + (h << n30 ^ h >>> n2 ^ h << n19 ^ h >>> n13 ^ h << n10 ^ h >>> n22) + (h & a | b & (h | a)) | z;
    f = K[j++] + f + (c << n26 ^ c >>> n6 ^ c << n21 ^ c >>> n11 ^ c << n7 ^ c >>> n25) + (e ^ c & (d ^ e)) + w2, b = f + b | z;
    f = f + (g << n30 ^ g >>> n2 ^ g << n19 ^ g >>> n13 ^ g << n10 ^ g >>> n22) + (g & h | a & (g | h)) | z;
    e = K[j++] + e + (b << n26 ^ b >>> n6 ^ b << n21 ^ b >>> n11 ^ b << n7 ^ b >>> n25) + (d ^ b & (c ^ d)) + w3, a = e + a | z;
    e = e + (f << n30 ^ f >>> n2 ^ f << n19 ^ f >>> n13 ^ f << n10 ^ f >>> n22) + (f & g | h & (f | g)) | z;
    d = K[j++] + d + (a << n26 ^ a >>> n6 ^ a << n21 ^ a >>> n11 ^ a << n7 ^ a >>> n25) + (c ^ a & (b ^ c)) + w4, h = d + h | z;
    d = d + (e << n30 ^ e >>> n2 ^ e << n19 ^ e >>> n13 ^ e << n10 ^ e >>> n22) + (e & f | g & (e | f)) | z;
    c = K[j++] + c + (h << n26 ^ h >>> n6 ^ h << n21 ^ h >>> n11 ^ h << n7 ^ h >>> n25) + (b ^ h & (a ^ b)) + w5, g = c + g | z;
    c = c + (d << n30 ^ d >>> n2 ^ d << n19 ^ d >>> n13 ^ d << n10 ^ d >>> n22) + (d & e | f & (d | e)) | z;
    b = K[j++] + b + (g << n26 ^ g >>> n6 ^ g << n21 ^ g >>> n11 ^ g << n7 ^ g >>> n25) + (a ^ g & (h ^ a)) + w6, f = b + f | z;
    b = b + (c << n30 ^ c >>> n2 ^ c << n19 ^ c >>> n13 ^ c << n10 ^ c >>> n22) + (c & d | e & (c | d)) | z;
    a = K[j++] + a + (f << n26 ^ f >>> n6 ^ f << n21 ^ f >>> n11 ^ f << n7 ^ f >>> n25) + (h ^ f & (g ^ h)) + w7, e = a + e | z;
    a = a + (b << n30 ^ b >>> n2 ^ b << n19 ^ b >>> n13 ^ b << n10 ^ b >>> n22) + (b & c | d & (b | c)) | z;
    h = K[j++] + h + (e << n26 ^ e >>> n6 ^ e << n21 ^ e >>> n11 ^ e << n7 ^ e >>> n25) + (g ^ e & (f ^ g)) + w8, d = h + d | z;
    h = h + (a << n30 ^ a >>> n2 ^ a << n19 ^ a >>> n13 ^ a << n10 ^ a >>> n22) + (a & b | c & (a | b)) | z;
    g = K[j++] + g + (d << n26 ^ d >>> n6 ^ d << n21 ^ d >>> n11 ^ d << n7 ^ d >>> n25) + (f ^ d & (e ^ f)) + w9, c = g + c | z;
    g = g + (h << n30 ^ h >>> n2 ^ h << n19 ^ h >>> n13 ^ h << n10 ^ h >>> n22) + (h & a | b & (h | a)) | z;
    f = K[j++] + f + (c << n26 ^ c >>> n6 ^ c << n21 ^ c >>> n11 ^ c << n7 ^ c >>> n25) + (e ^ c & (d ^ e)) + w10, b = f + b | z;
    f = f + (g << n30 ^ g >>> n2 ^ g << n19 ^ g >>> n13 ^ g << n10 ^ g >>> n22) + (g & h | a & (g | h)) | z;
    e = K[j++] + e + (b << n26 ^ b >>> n6 ^ b << n21 ^ b >>> n11 ^ b << n7 ^ b >>> n25) + (d ^ b & (c ^ d)) + w11, a = e + a | z;
    e = e + (f << n30 ^ f >>> n2 ^ f << n19 ^ f >>> n13 ^ f << n10 ^ f >>> n22) + (f & g | h & (f | g)) | z;
    d = K[j++] + d + (a << n26 ^ a >>> n6 ^ a << n21 ^ a >>> n11 ^ a << n7 ^ a >>> n25) + (c ^ a & (b ^ c)) + w12, h = d + h | z;
    d = d + (e << n30 ^ e >>> n2 ^ e << n19 ^ e >>> n13 ^ e << n10 ^ e >>> n22) + (e & f | g & (e | f)) | z;
    c = K[j++] + c + (h << n26 ^ h >>> n6 ^ h << n21 ^ h >>> n11 ^ h << n7 ^ h >>> n25) + (b ^ h & (a ^ b)) + w13, g = c + g | z;
    c = c + (d << n30 ^ d >>> n2 ^ d << n19 ^ d >>> n13 ^ d << n10 ^ d >>> n22) + (d & e | f & (d | e)) | z;
    b = K[j++] + b + (g << n26 ^ g >>> n6 ^ g << n21 ^ g >>> n11 ^ g << n7 ^ g >>> n25) + (a ^ g & (h ^ a)) + w14, f = b + f | z;
    b = b + (c << n30 ^ c >>> n2 ^ c << n19 ^ c >>> n13 ^ c << n10 ^ c >>> n22) + (c & d | e & (c | d)) | z;
    a = K[j++] + a + (f << n26 ^ f >>> n6 ^ f << n21 ^ f >>> n11 ^ f << n7 ^ f >>> n25) + (h ^ f & (g ^ h)) + w15, e = a + e | z;
    a = a + (b << n30 ^ b >>> n2 ^ b << n19 ^ b >>> n13 ^ b << n10 ^ b >>> n22) + (b & c | d & (b | c)) | z;
    if (j === 64) break;
    w0 = p32 + w0 + (w1 << n25 ^ w1 >>> n7 ^ w1 << n14 ^ w1 >>> n18 ^ w1 >>> n3) + w9 + (w14 << n15 ^ w14 >>> n17 ^ w14 << n13 ^ w14 >>> n19 ^ w14 >>> n10) | z;
    w1 = p32 + w1 + (w2 << n25 ^ w2 >>> n7 ^ w2 << n14 ^ w2 >>> n18 ^ w2 >>> n3) + w10 + (w15 << n15 ^ w15 >>> n17 ^ w15 << n13 ^ w15 >>> n19 ^ w15 >>> n10) | z;
    w2 = p32 + w2 + (w3 << n25 ^ w3 >>> n7 ^ w3 << n14 ^ w3 >>> n18 ^ w3 >>> n3) + w11 + (w0 << n15 ^ w0 >>> n17 ^ w0 << n13 ^ w0 >>> n19 ^ w0 >>> n10) | z;
    w3 = p32 + w3 + (w4 << n25 ^ w4 >>> n7 ^ w4 << n14 ^ w4 >>> n18 ^ w4 >>> n3) + w12 + (w1 << n15 ^ w1 >>> n17 ^ w1 << n13 ^ w1 >>> n19 ^ w1 >>> n10) | z;
    w4 = p32 + w4 + (w5 << n25 ^ w5 >>> n7 ^ w5 << n14 ^ w5 >>> n18 ^ w5 >>> n3) + w13 + (w2 << n15 ^ w2 >>> n17 ^ w2 << n13 ^ w2 >>> n19 ^ w2 >>> n10) | z;
    w5 = p32 + w5 + (w6 << n25 ^ w6 >>> n7 ^ w6 << n14 ^ w6 >>> n18 ^ w6 >>> n3) + w14 + (w3 << n15 ^ w3 >>> n17 ^ w3 << n13 ^ w3 >>> n19 ^ w3 >>> n10) | z;
    w6 = p32 + w6 + (w7 << n25 ^ w7 >>> n7 ^ w7 << n14 ^ w7 >>> n18 ^ w7 >>> n3) + w15 + (w4 << n15 ^ w4 >>> n17 ^ w4 << n13 ^ w4 >>> n19 ^ w4 >>> n10) | z;
    w7 = p32 + w7 + (w8 << n25 ^ w8 >>> n7 ^ w8 << n14 ^ w8 >>> n18 ^ w8 >>> n3) + w0 + (w5 << n15 ^ w5 >>> n17 ^ w5 << n13 ^ w5 >>> n19 ^ w5 >>> n10) | z;
    w8 = p32 + w8 + (w9 << n25 ^ w9 >>> n7 ^ w9 << n14 ^ w9 >>> n18 ^ w9 >>> n3) + w1 + (w6 << n15 ^ w6 >>> n17 ^ w6 << n13 ^ w6 >>> n19 ^ w6 >>> n10) | z;
    w9 = p32 + w9 + (w10 << n25 ^ w10 >>> n7 ^ w10 << n14 ^ w10 >>> n18 ^ w10 >>> n3) + w2 + (w7 << n15 ^ w7 >>> n17 ^ w7 << n13 ^ w7 >>> n19 ^ w7 >>> n10) | z;
    w10 = p32 + w10 + (w11 << n25 ^ w11 >>> n7 ^ w11 << n14 ^ w11 >>> n18 ^ w11 >>> n3) + w3 + (w8 << n15 ^ w8 >>> n17 ^ w8 << n13 ^ w8 >>> n19 ^ w8 >>> n10) | z;
    w11 = p32 + w11 + (w12 << n25 ^ w12 >>> n7 ^ w12 << n14 ^ w12 >>> n18 ^ w12 >>> n3) + w4 + (w9 << n15 ^ w9 >>> n17 ^ w9 << n13 ^ w9 >>> n19 ^ w9 >>> n10) | z;
    w12 = p32 + w12 + (w13 << n25 ^ w13 >>> n7 ^ w13 << n14 ^ w13 >>> n18 ^ w13 >>> n3) + w5 + (w10 << n15 ^ w10 >>> n17 ^ w10 << n13 ^ w10 >>> n19 ^ w10 >>> n10) | z;
    w13 = p32 + w13 + (w14 << n25 ^ w14 >>> n7 ^ w14 << n14 ^ w14 >>> n18 ^ w14 >>> n3) + w6 + (w11 << n15 ^ w11 >>> n17 ^ w11 << n13 ^ w11 >>> n19 ^ w11 >>> n10) | z;
    w14 = p32 + w14 + (w15 << n25 ^ w15 >>> n7 ^ w15 << n14 ^ w15 >>> n18 ^ w15 >>> n3) + w7 + (w12 << n15 ^ w12 >>> n17 ^ w12 << n13 ^ w12 >>> n19 ^ w12 >>> n10) | z;
    w15 = p32 + w15 + (w0 << n25 ^ w0 >>> n7 ^ w0 << n14 ^ w0 >>> n18 ^ w0 >>> n3) + w8 + (w13 << n15 ^ w13 >>> n17 ^ w13 << n13 ^ w13 >>> n19 ^ w13 >>> n10) | z;
  }
  s[0] = s[0] + a | z, s[1] = s[1] + b | z, s[2] = s[2] + c | z, s[3] = s[3] + d | z;
  s[4] = s[4] + e | z, s[5] = s[5] + f | z, s[6] = s[6] + g | z, s[7] = s[7] + h | z;
}

HASHES.sha256 = [sha256Block, 32, false, SHA256_H];
