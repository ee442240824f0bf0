// require('querystring'), like Node's (njs follows it): parse/decode, stringify/encode, escape,
// unescape. parse answers an object without prototype; repeated keys give arrays; '+' is a space;
// malformed escapes fall back to byte-wise decoding in which invalid UTF-8 becomes U+FFFD.
var QS = {};

function qsEscape(s) {
  if (typeof s != 'string') s = typeof s == 'object' ? String(s) : s + '';
  try {
    return encodeURIComponent(s);
  } catch (e) {
    throw new URIError('URI malformed');
  }
}

function qsUnescape(s) {
  s = String(s);
  try {
    return decodeURIComponent(s);
  } catch (e) {}
  var bytes = [];
  s.replace(/%[0-9a-fA-F]{2}|[^%]+|%/g, function (m) {
    if (m.length == 3 && m[0] == '%') bytes.push(parseInt(m.slice(1), 16));
    else bytes.push.apply(bytes, utf8Encode(m));
    return '';
  });
  return utf8Decode(bytes, 0, bytes.length);
}

function qsDecode(s, decode) {
  if (!s.length) return s;
  s = s.replace(/\+/g, '%20');
  try {
    return decode(s);
  } catch (e) {
    return QS.unescape(s);
  }
}

function qsParse(str, sep, eq, options) {
  var obj = Object.create(null), max = 1000, decode = QS.unescape, parts, n, i, p, j, k, v;
  if (typeof str != 'string' || !str.length) return obj;
  sep = sep ? String(sep) : '&', eq = eq ? String(eq) : '=';
  if (options) {
    if (typeof options.maxKeys == 'number') max = options.maxKeys;
    if (typeof options.decodeURIComponent == 'function') decode = options.decodeURIComponent;
  }
  parts = str.split(sep), n = max > 0 && max < parts.length ? max : parts.length;
  for (i = 0; i < n; i++) {
    if (!(p = parts[i]).length) continue;
    j = p.indexOf(eq);
    k = qsDecode(j < 0 ? p : p.slice(0, j), decode);
    v = qsDecode(j < 0 ? '' : p.slice(j + eq.length), decode);
    if (obj[k] === undefined) obj[k] = v;
    else if (Array.isArray(obj[k])) obj[k].push(v);
    else obj[k] = [obj[k], v];
  }
  return obj;
}

function qsValue(v, encode, custom) {
  var t = typeof v;
  if (custom) return encode(t == 'string' ? v : t == 'number' && isFinite(v) || t == 'bigint' ? '' + v : t == 'boolean' ? '' + v : '');
  if (t == 'string') return v.length ? encode(v) : '';
  if (t == 'number' && isFinite(v)) return Math.abs(v) < 1e21 ? '' + v : encode('' + v);
  return t == 'bigint' || t == 'boolean' ? '' + v : '';
}

function qsStringify(obj, sep, eq, options) {
  var encode = options && typeof options.encodeURIComponent == 'function' ? options.encodeURIComponent : QS.escape;
  var custom = encode !== qsEscape, out = [], keys, i, j, k, v;
  if (obj === null || typeof obj != 'object') return '';
  sep = sep || '&', eq = eq || '=', keys = Object.keys(obj);
  for (i = 0; i < keys.length; i++) {
    v = obj[keys[i]], k = qsValue(keys[i], encode, custom) + eq;
    if (Array.isArray(v)) for (j = 0; j < v.length; j++) out.push(k + qsValue(v[j], encode, custom));
    else out.push(k + qsValue(v, encode, custom));
  }
  return out.join(sep);
}

QS.decode = QS.parse = qsParse, QS.encode = QS.stringify = qsStringify, QS.escape = qsEscape, QS.unescape = qsUnescape;
MODULES.querystring = function () {
  return QS;
};
