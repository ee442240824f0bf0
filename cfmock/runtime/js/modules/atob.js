// atob and btoa (runtime 2.0), WHATWG forgiving-base64 with njs's error messages.
function btoa(s) {
  s = String(s);
  for (var b = new Uint8Array(s.length), i = 0, c; i < s.length; i++) {
    if ((c = s.charCodeAt(i)) > 255) throw new TypeError('invalid character (> U+00FF)');
    b[i] = c;
  }
  return b64Encode(b, false);
}

function atob(s) {
  s = String(s).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 == 0) s = s.replace(/==?$/, '');
  if (s.length % 4 == 1 || /[^A-Za-z0-9+/]/.test(s)) throw new TypeError('the string to be decoded is not correctly encoded');
  for (var b = b64Decode(s), r = '', i = 0; i < b.length; i += 4096) r += String.fromCharCode.apply(null, b.subarray(i, i + 4096));
  return r;
}

Object.defineProperty(globalThis, 'atob', { value: atob, writable: true, configurable: true });
Object.defineProperty(globalThis, 'btoa', { value: btoa, writable: true, configurable: true });
