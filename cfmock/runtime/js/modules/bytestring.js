// Runtime 1.0 byte-string methods of njs (removed in 2.0): String.bytesFrom (also on the prototype,
// as the docs list it), and fromBytes, fromUTF8, toBytes, toUTF8 on String.prototype. The optional
// start/end arguments select a part of the string as slice() does.
function bsPart(s, start, end) {
  return String(s).slice(start === undefined ? 0 : start, end === undefined ? undefined : end);
}

function bsBytesFrom(v, enc) {
  var b, i;
  if (typeof v == 'string') {
    if (enc == 'hex') b = hexDecode(v);
    else if (enc == 'base64' || enc == 'base64url') b = b64Decode(v);
    else throw new TypeError('Unknown encoding: "' + enc + '"');
  } else if (v !== null && typeof v == 'object' && typeof v.length == 'number') {
    for (b = new Uint8Array(v.length), i = 0; i < v.length; i++) b[i] = v[i];
  } else {
    throw new TypeError('value must be a string or array');
  }
  return byteString(b);
}

function bsDefine(target, name, fn) {
  Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
}

bsDefine(String, 'bytesFrom', bsBytesFrom);
bsDefine(String.prototype, 'bytesFrom', function bytesFrom(v, enc) {
  return bsBytesFrom(v, enc);
});
bsDefine(String.prototype, 'fromBytes', function fromBytes(start, end) {
  var s = bsPart(this, start, end);
  return /[^\x00-\xff]/.test(s) ? null : s;
});
bsDefine(String.prototype, 'fromUTF8', function fromUTF8(start, end) {
  var s = bsPart(this, start, end);
  return /[^\x00-\xff]/.test(s) ? null : utf8Decode(latin1Bytes(s), 0, s.length, true);
});
bsDefine(String.prototype, 'toBytes', function toBytes(start, end) {
  var s = bsPart(this, start, end);
  return /[^\x00-\xff]/.test(s) ? null : byteString(latin1Bytes(s));
});
bsDefine(String.prototype, 'toUTF8', function toUTF8(start, end) {
  return byteString(utf8Encode(bsPart(this, start, end)));
});
