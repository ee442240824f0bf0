// Runtime 1.0 byte strings (njs): strings with one character per byte. The ones the modules produce
// that contain characters 0x80-0xFF are remembered, so that crypto hashes them as raw bytes like njs
// (any other string is hashed as UTF-8).
var BYTE_STRINGS = Object.create(null);

function byteString(b) {
  for (var s = '', i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096));
  if (/[\x80-\xff]/.test(s)) BYTE_STRINGS[s] = true;
  return s;
}

// Characters 0-255 -> bytes.
function latin1Bytes(s) {
  for (var b = new Uint8Array(s.length), i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
