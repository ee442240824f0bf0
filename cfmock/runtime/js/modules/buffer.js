// Buffer (runtime 2.0): a Uint8Array subclass shaped like Node's Buffer. Encodings are njs's: utf8
// (utf-8), hex, base64, base64url; hex and base64 decode leniently like Node. bufferext.js adds the
// methods that few functions use (fill, copy, indexOf, write, read/write of numbers, swap).
var BUF_ENCODINGS = { utf8: 1, 'utf-8': 1, hex: 1, base64: 1, base64url: 1 };

class FastBuffer extends Uint8Array {}

function Buffer(a, b, c) {
  return typeof a == 'number' ? bufAlloc(a) : bufFrom(a, b, c);
}

function bufferOf(u8) {
  return new FastBuffer(u8.buffer, u8.byteOffset, u8.length);
}

function bufEncoding(e) {
  if (e == null) return 'utf8';
  if (typeof e == 'string' && hasOwn(BUF_ENCODINGS, e)) return e;
  throw new TypeError('"' + e + '" encoding is not supported');
}

function strBytes(s, e) {
  e = bufEncoding(e);
  return e == 'hex' ? hexDecode(s) : e[0] == 'b' ? b64Decode(s) : utf8Encode(s);
}

function bufFromArrayLike(v) {
  var n = Math.trunc(+v.length) || 0, r, i;
  if (n > 0x7fffffff) throw new RangeError('invalid index');
  for (r = new FastBuffer(n > 0 ? n : 0), i = 0; i < n; i++) r[i] = v[i];
  return r;
}

function bufFrom(v, a, b) {
  if (typeof v == 'string') return bufferOf(strBytes(v, a));
  if (typeof v == 'object' && v !== null) {
    if (v instanceof ArrayBuffer) {
      var off = +a || 0, max = v.byteLength;
      if (off < 0) throw new RangeError('invalid index');
      if (off > max) throw new RangeError('"offset" is outside of buffer bounds');
      b = b === undefined ? max - off : +b > 0 ? +b : 0;
      if (b > max - off) throw new RangeError('"length" is outside of buffer bounds');
      return new FastBuffer(v, off, b);
    }
    if (ArrayBuffer.isView(v)) return v instanceof DataView ? new FastBuffer(0) : new FastBuffer(v);
    var p = typeof v.valueOf == 'function' ? v.valueOf() : v;
    if (p != null && p !== v) return bufFrom(p, a, b);
    if (typeof v.length == 'number' || v.buffer instanceof ArrayBuffer) return bufFromArrayLike(v);
    if (v.type === 'Buffer' && Array.isArray(v.data)) return bufFromArrayLike(v.data);
  }
  throw new TypeError('first argument is not a string or Buffer-like object');
}

// What alloc and fill write over n bytes, as Node: the bytes of a string or view, else a byte (0 for ''). A
// string or view without bytes, other than '', is invalid when there is something to fill.
function bufFillValue(v, enc, n) {
  var p = typeof v == 'string' ? strBytes(v, enc) : ArrayBuffer.isView(v) ? bytesOf(v) : null;
  if (!p) return v & 255;
  if (p.length || v === '' || !(n > 0)) return p.length ? p : 0;
  v = typeof v == 'string' ? "'" + v + "'" : v instanceof Buffer ? '<Buffer >' : v.constructor.name + '(0) []';
  throw new TypeError("The argument 'value' is invalid. Received " + v);
}

function bufAlloc(size, fill, enc) {
  if (typeof size != 'number') throw new TypeError('"size" argument must be of type number');
  if (!(size >= 0 && size <= 0x7fffffff)) throw new RangeError('"size" argument is out of range');
  var r = new FastBuffer(size), p = fill === undefined || !size ? 0 : bufFillValue(fill, enc, size), i;
  if (typeof p == 'number') return p ? Uint8Array.prototype.fill.call(r, p) : r;
  for (i = 0; i < size; i++) r[i] = p[i % p.length];
  return r;
}

function bufCheck(v, name) {
  if (!(v instanceof Uint8Array)) throw new TypeError('"' + name + '" argument must be an instance of Buffer or Uint8Array');
  return v;
}

function bufCompare(a, as, ae, b, bs, be) {
  for (; as < ae && bs < be; as++, bs++) if (a[as] !== b[bs]) return a[as] < b[bs] ? -1 : 1;
  return as < ae ? 1 : bs < be ? -1 : 0;
}

function bufToString(e, start, end) {
  var n = this.length, b;
  e = bufEncoding(e);
  start = start === undefined || start < 0 ? 0 : Math.min(Math.trunc(start) || 0, n);
  end = end === undefined || end > n ? n : Math.trunc(end) || 0;
  if (end <= start) return '';
  if (e[0] == 'u') return utf8Decode(this, start, end);
  b = new Uint8Array(this.buffer, this.byteOffset + start, end - start);
  return e == 'hex' ? hexEncode(b) : b64Encode(b, e == 'base64url');
}

Object.setPrototypeOf(Buffer, Uint8Array);
Buffer.prototype = FastBuffer.prototype;
Buffer.prototype.constructor = Buffer;
Buffer.poolSize = 8192;
Buffer.from = bufFrom;
Buffer.alloc = bufAlloc;
Buffer.allocUnsafe = Buffer.allocUnsafeSlow = function (size) {
  return bufAlloc(size);
};
Buffer.isBuffer = function (v) {
  return v instanceof Buffer;
};
Buffer.isEncoding = function (e) {
  return typeof e == 'string' && hasOwn(BUF_ENCODINGS, e);
};
Buffer.byteLength = function (v, e) {
  if (typeof v == 'string') return strBytes(v, Buffer.isEncoding(e) ? e : null).length; // Node: utf8 if unknown
  if (v = bytesOf(v)) return v.length;
  throw new TypeError('"string" argument must be of type string or an instance of Buffer or ArrayBuffer');
};
Buffer.compare = function (a, b) {
  return bufCompare(bufCheck(a, 'buf1'), 0, a.length, bufCheck(b, 'buf2'), 0, b.length);
};
Buffer.concat = function (list, total) {
  var n = 0, p = 0, i, r, s;
  if (!Array.isArray(list)) throw new TypeError('"list" argument must be an Array of Buffers');
  for (i = 0; i < list.length; i++) n += bufCheck(list[i], 'list[' + i + ']').length;
  for (r = new FastBuffer(total === undefined ? n : total), i = 0; i < list.length && p < r.length; i++) {
    s = list[i], s = new Uint8Array(s.buffer, s.byteOffset, Math.min(s.length, r.length - p));
    r.set(s, p), p += s.length;
  }
  return r;
};

var BUF_PROTO = Buffer.prototype;
BUF_PROTO.toString = BUF_PROTO.toLocaleString = bufToString;
BUF_PROTO.toJSON = function () {
  return { type: 'Buffer', data: Array.prototype.slice.call(this) };
};
BUF_PROTO.equals = function (o) {
  return bufCompare(this, 0, this.length, bufCheck(o, 'otherBuffer'), 0, o.length) === 0;
};
BUF_PROTO.compare = function (t, ts, te, ss, se) {
  bufCheck(t, 'target');
  ts = ts === undefined ? 0 : ts, te = te === undefined ? t.length : te;
  ss = ss === undefined ? 0 : ss, se = se === undefined ? this.length : se;
  if (ts < 0 || te > t.length || ss < 0 || se > this.length) throw new RangeError('Index out of range');
  return ss >= se ? (ts >= te ? 0 : -1) : ts >= te ? 1 : bufCompare(this, ss, se, t, ts, te);
};
BUF_PROTO.slice = function (start, end) {
  return this.subarray(start, end);
};
Object.defineProperty(globalThis, 'Buffer', { value: Buffer, writable: true, configurable: true });
