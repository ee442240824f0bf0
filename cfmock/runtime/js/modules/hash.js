// require('crypto'): createHash / createHmac, as in njs (CloudFront's engine) and Node. md5.js,
// sha1.js and sha256.js each add [block function(state, bytes, offset, scratch), digest bytes,
// little-endian, initial state] to HASHES. The data is kept until digest() and hashed in one go.
// digest() without an encoding answers a Buffer in 2.0 and a byte string in 1.0. hex.js, base64.js,
// bytestr.js and buffer.js are hooks (modules.py), loaded only when the code can reach them.
var HASHES = {}, HASH_W = new Int32Array(80);

// Hashes the concatenation of the byte arrays in list with algorithm a, from the initial state h0 (a's own
// by default) after done bytes (0, or 64 after an HMAC key block).
function hashBytes(a, list, h0, done) {
  for (var n = 0, i = 0; i < list.length; i++) n += list[i].length;
  var m = n + 72 & ~63, p = new Uint8Array(m), h = new Int32Array(h0 || a[3]), o = new Uint8Array(a[1]), le = a[2];
  for (n = i = 0; i < list.length; n += list[i++].length) p.set(list[i], n);
  p[n] = 128;
  for (n += done || 0, i = 0; i < 4; i++) p[le ? m - 8 + i : m - 1 - i] = n * 8 >>> 8 * i;
  for (i = 0; i < m; i += 64) a[0](h, p, i, HASH_W);
  for (i = 0; i < o.length; i++) o[i] = h[i >> 2] >>> (le ? i % 4 * 8 : 24 - i % 4 * 8);
  return o;
}

// A string (UTF-8, or the given encoding) or Buffer-like data -> a copy of its bytes.
function hashData(d, enc, what) {
  if (typeof d == 'string') {
    if (enc === undefined || enc == 'utf8' || enc == 'utf-8') {
      return V1 && typeof latin1Bytes == 'function' && BYTE_STRINGS[d] ? latin1Bytes(d) : utf8Encode(d);
    }
    if (enc == 'hex') return hookLoaded(typeof hexDecode, 'hex'), hexDecode(d);
    if (enc == 'base64' || enc == 'base64url') return hookLoaded(typeof b64Decode, 'base64'), b64Decode(d);
    throw new TypeError('"' + enc + '" encoding is not supported');
  }
  if (d = bytesOf(d)) return d.slice();
  throw new TypeError(what + ' is not a string or Buffer-like object');
}

// Hash and Hmac objects: algorithm, data so far (null once digested), and for an Hmac the states after its
// inner and outer key blocks.
function Hash(a, d, i, k) {
  this._a = a, this._d = d, this._i = i, this._k = k;
}

function hashChunks(h) {
  if (!h._d) throw new TypeError('Digest already called');
  return h._d;
}

function hashUpdate(data, encoding) {
  hashChunks(this).push(hashData(data, encoding, 'data'));
  return this;
}

function hashDigest(e) {
  var r = hashBytes(this._a, hashChunks(this), this._i, this._i && 64);
  this._d = null;
  if (this._k) r = hashBytes(this._a, [r], this._k, 64);
  if (e === undefined && V1) return hookLoaded(typeof byteString, 'bytestr'), byteString(r);
  if (e === undefined) return hookLoaded(typeof bufferOf, 'buffer'), bufferOf(r);
  if (e == 'hex') return hookLoaded(typeof hexEncode, 'hex'), hexEncode(r);
  if (e == 'base64' || e == 'base64url') return hookLoaded(typeof b64Encode, 'base64'), b64Encode(r, e == 'base64url');
  throw new TypeError(typeof e == 'string' ? 'Unknown digest encoding: "' + e + '"' : 'encoding must be a string');
}

function hashCopy() {
  return new Hash(this._a, hashChunks(this).slice(), this._i, this._k);
}

function hashAlgorithm(name) {
  if (typeof name != 'string') throw new TypeError('algorithm must be a string');
  if (!hasOwn(HASHES, name)) throw new TypeError('not supported algorithm: "' + name + '"');
  return HASHES[name];
}

function createHash(name) {
  return new Hash(hashAlgorithm(name), []);
}

// The states after an HMAC key's inner and outer blocks, kept for the last key of each algorithm: code
// signing in a loop hashes two blocks fewer per HMAC.
var HMAC_KEYS = {}, fromCharCode = String.fromCharCode; // taken before the user's code can replace it

function createHmac(name, key) {
  var a = hashAlgorithm(name), k = hashData(key, undefined, 'key'), ip, op, i, id, last = HMAC_KEYS[name];
  if (k.length > 64) k = hashBytes(a, [k]);
  for (id = '', i = 0; i < k.length; i++) id += fromCharCode(k[i]);
  if (last === undefined || last[0] !== id) {
    ip = new Uint8Array(64), op = new Uint8Array(64);
    for (i = 0; i < 64; i++) ip[i] = k[i] ^ 0x36, op[i] = k[i] ^ 0x5c;
    last = HMAC_KEYS[name] = [id, new Int32Array(a[3]), new Int32Array(a[3])];
    a[0](last[1], ip, 0, HASH_W), a[0](last[2], op, 0, HASH_W);
  }
  return new Hash(a, [], last[1], last[2]);
}

Hash.prototype.update = hashUpdate, Hash.prototype.digest = hashDigest, Hash.prototype.copy = hashCopy;
MODULES.crypto = function () {
  return { createHash: createHash, createHmac: createHmac };
};
