// TextEncoder and TextDecoder (runtime 2.0): UTF-8 only, as in njs; decode supports fatal, ignoreBOM
// and {stream: true}.
class TextEncoder {
  get encoding() {
    return 'utf-8';
  }
  encode(s) {
    return utf8Encode(s === undefined ? '' : String(s));
  }
  encodeInto(s, dest) {
    var b = utf8Encode(String(s)), n = Math.min(b.length, dest.length);
    if (n < b.length) while (n > 0 && (b[n] & 0xc0) == 0x80) n--;
    dest.set(b.subarray(0, n));
    return { read: utf8Decode(b, 0, n).length, written: n };
  }
}

class TextDecoder {
  constructor(label, options) {
    var l = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
    if (l != 'utf-8' && l != 'utf8' && l != 'unicode-1-1-utf-8') throw new RangeError('The "' + label + '" encoding is not supported');
    this._fatal = !!(options && options.fatal), this._ignoreBOM = !!(options && options.ignoreBOM);
    this._pending = null, this._started = false;
  }
  get encoding() {
    return 'utf-8';
  }
  get fatal() {
    return this._fatal;
  }
  get ignoreBOM() {
    return this._ignoreBOM;
  }
  decode(input, options) {
    var b = input === undefined ? new Uint8Array(0) : bytesOf(input), stream = !!(options && options.stream);
    var start = 0, end, k, s;
    if (!b) throw new TypeError('"input" argument must be an ArrayBuffer or ArrayBufferView');
    if (this._pending) k = new Uint8Array(this._pending.length + b.length), k.set(this._pending), k.set(b, this._pending.length), b = k;
    this._pending = null, end = b.length;
    if (stream) {
      // Keep an incomplete sequence at the end for the next call.
      for (k = end - 1; k > end - 4 && k >= 0 && (b[k] & 0xc0) == 0x80; k--);
      if (k >= 0 && b[k] >= 0xc0 && end - k < (b[k] >= 0xf0 ? 4 : b[k] >= 0xe0 ? 3 : 2)) this._pending = b.slice(k), end = k;
    }
    if (!this._started && !this._ignoreBOM && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf && end >= 3) start = 3;
    s = utf8Decode(b, start, end, this._fatal);
    this._started = stream && (this._started || end > 0);
    if (s !== null) return s;
    this._pending = null, this._started = false;
    throw new TypeError('The encoded data was not valid');
  }
}

Object.defineProperty(globalThis, 'TextEncoder', { value: TextEncoder, writable: true, configurable: true });
Object.defineProperty(globalThis, 'TextDecoder', { value: TextDecoder, writable: true, configurable: true });
