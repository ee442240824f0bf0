// The less used Buffer methods (see buffer.js): fill, copy, includes/indexOf/lastIndexOf, write,
// read/write of integers (1-6 bytes, LE/BE, signed or not) and floats, swap16/32/64.
function bufOffset(buf, off, size) {
  if (off === undefined) off = 0;
  if (typeof off != 'number') throw new TypeError('"offset" argument must be of type number');
  if (!(off >= 0 && off + size <= buf.length) || off % 1) throw new RangeError('Index out of range');
  return off;
}

function bufByteLength(n) {
  if (!(n >= 1 && n <= 6) || n % 1) throw new RangeError('The value of "byteLength" is out of range. It must be >= 1 and <= 6. Received ' + n);
  return n;
}

function bufReadInt(buf, off, size, le, signed) {
  off = bufOffset(buf, off, size);
  for (var v = 0, mul = 1, i = 0; i < size; i++, mul *= 256) v += buf[le ? off + i : off + size - 1 - i] * mul;
  return signed && v >= mul / 2 ? v - mul : v;
}

function bufWriteInt(buf, v, off, size, le, signed) {
  off = bufOffset(buf, off, size);
  var mul = Math.pow(2, 8 * size), min = signed ? -mul / 2 : 0, max = (signed ? mul / 2 : mul) - 1, i;
  if ((v = +v) < min || v > max) {
    throw new RangeError('The value of "value" is out of range. It must be >= ' + min + ' and <= ' + max + '. Received ' + v);
  }
  if ((v = Math.trunc(v) || 0) < 0) v += mul; // NaN is written as 0, as Node does
  for (i = 0; i < size; i++, v = Math.floor(v / 256)) buf[le ? off + i : off + size - 1 - i] = v % 256;
  return off + size;
}

// Node's toInteger for copy's offsets: floored, 0 for NaN and beyond 2^53.
function bufInt(v) {
  return Math.abs(v = Math.floor(+v)) <= 9007199254740991 ? v : 0;
}

function bufSearch(buf, v, off, enc, last) {
  var n = buf.length, b, m, i, j;
  if (typeof off == 'string') enc = off, off = undefined;
  if (typeof v == 'number') b = [v & 255];
  else if (typeof v == 'string') b = strBytes(v, enc);
  else if (v instanceof Uint8Array) b = v;
  else throw new TypeError('"value" argument must be of type string or an instance of Buffer');
  off = Math.trunc(+off);
  off = off !== off ? (last ? n : 0) : off < 0 ? off + n : off;
  if (!(m = b.length)) return Math.min(Math.max(off, 0), n);
  for (i = last ? Math.min(off, n - m) : Math.max(off, 0); last ? i >= 0 : i <= n - m; last ? i-- : i++) {
    for (j = 0; j < m && buf[i + j] === b[j]; j++);
    if (j === m) return i;
  }
  return -1;
}

function bufSwap(buf, size) {
  if (buf.length % size) throw new RangeError('Buffer size must be a multiple of ' + size);
  for (var i = 0, a, b, t; i < buf.length; i += size) {
    for (a = i, b = i + size - 1; a < b; a++, b--) t = buf[a], buf[a] = buf[b], buf[b] = t;
  }
  return buf;
}

BUF_PROTO.fill = function (v, off, end, enc) {
  var p, i, k;
  if (typeof off == 'string') enc = off, off = 0, end = this.length;
  else if (typeof end == 'string') enc = end, end = this.length;
  off = off === undefined ? 0 : off, end = end === undefined ? this.length : end;
  if (off < 0 || end > this.length) throw new RangeError('Index out of range');
  if (typeof (p = bufFillValue(v, enc, end - off)) == 'number') return Uint8Array.prototype.fill.call(this, p, off, end);
  for (p = p.slice(), i = off, k = 0; i < end; i++, k = (k + 1) % p.length) this[i] = p[k];
  return this;
};
BUF_PROTO.copy = function (t, ts, ss, se) {
  bufCheck(t, 'target'), ts = bufInt(ts), ss = bufInt(ss), se = se === undefined ? this.length : bufInt(se);
  if (ts < 0) throw new RangeError('"targetStart" is out of bounds');
  if (ss < 0 || ss > this.length) throw new RangeError('"sourceStart" is out of bounds');
  if (se < 0) throw new RangeError('"sourceEnd" is out of bounds');
  var n = Math.min(se, this.length, ss + t.length - ts) - ss; // <= 0 when targetStart is past the target's end
  if (n > 0) t.set(new Uint8Array(this.buffer, this.byteOffset + ss, n), ts);
  return n > 0 ? n : 0;
};
BUF_PROTO.write = function (s, off, len, enc) {
  if (typeof off == 'string') enc = off, off = 0, len = undefined;
  else if (typeof len == 'string') enc = len, len = undefined;
  off = off === undefined ? 0 : off;
  if (!(off >= 0 && off <= this.length)) throw new RangeError('Index out of range');
  var b = strBytes(String(s), enc), n = Math.min(b.length, this.length - off, len === undefined ? Infinity : len);
  if (n < b.length && bufEncoding(enc)[0] == 'u') while (n > 0 && (b[n] & 0xc0) == 0x80) n--;
  this.set(b.subarray(0, n), off);
  return n;
};
BUF_PROTO.includes = function (v, off, enc) {
  return bufSearch(this, v, off, enc, false) !== -1;
};
BUF_PROTO.indexOf = function (v, off, enc) {
  return bufSearch(this, v, off, enc, false);
};
BUF_PROTO.lastIndexOf = function (v, off, enc) {
  return bufSearch(this, v, off, enc, true);
};
BUF_PROTO.swap16 = function () {
  return bufSwap(this, 2);
};
BUF_PROTO.swap32 = function () {
  return bufSwap(this, 4);
};
BUF_PROTO.swap64 = function () {
  return bufSwap(this, 8);
};

// readInt8 ... writeUInt32BE (with the Node aliases spelled Uint), readIntLE(offset, byteLength) ...,
// readFloatLE ... writeDoubleBE.
[1, 2, 4].forEach(function (size) {
  (size == 1 ? [''] : ['LE', 'BE']).forEach(function (end) {
    [0, 1].forEach(function (signed) {
      var name = (signed ? 'Int' : 'UInt') + size * 8 + end, le = end == 'LE';
      BUF_PROTO['read' + name] = function (off) {
        return bufReadInt(this, off, size, le, signed);
      };
      BUF_PROTO['write' + name] = function (v, off) {
        return bufWriteInt(this, v, off, size, le, signed);
      };
      if (!signed) BUF_PROTO['readUint' + name.slice(4)] = BUF_PROTO['read' + name], BUF_PROTO['writeUint' + name.slice(4)] = BUF_PROTO['write' + name];
    });
  });
});
['LE', 'BE'].forEach(function (end) {
  var le = end == 'LE';
  [0, 1].forEach(function (signed) {
    var name = (signed ? 'Int' : 'UInt') + end;
    BUF_PROTO['read' + name] = function (off, n) {
      return bufReadInt(this, off, bufByteLength(n), le, signed);
    };
    BUF_PROTO['write' + name] = function (v, off, n) {
      return bufWriteInt(this, v, off, bufByteLength(n), le, signed);
    };
    if (!signed) BUF_PROTO['readUint' + end] = BUF_PROTO['read' + name], BUF_PROTO['writeUint' + end] = BUF_PROTO['write' + name];
  });
  [['Float', 4, 'Float32'], ['Double', 8, 'Float64']].forEach(function (t) {
    var get = DataView.prototype['get' + t[2]], set = DataView.prototype['set' + t[2]];
    BUF_PROTO['read' + t[0] + end] = function (off) {
      return get.call(new DataView(this.buffer, this.byteOffset, this.length), bufOffset(this, off, t[1]), le);
    };
    BUF_PROTO['write' + t[0] + end] = function (v, off) {
      set.call(new DataView(this.buffer, this.byteOffset, this.length), off = bufOffset(this, off, t[1]), +v, le);
      return off + t[1];
    };
  });
});
