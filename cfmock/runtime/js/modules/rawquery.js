// request.rawQueryString() (runtime 2.0): the query string rebuilt from event.request.querystring
// as the viewer sent it (the values are still percent-encoded), without the '?'; undefined when
// there is none. A {value: ""} entry gives "name="; multiValue entries repeat the name.
function rawQueryString(qs) {
  var out = [], k, e, m, i;
  if (typeof qs == 'string') return qs;
  for (k in qs) {
    if (!(e = qs[k]) || typeof e != 'object') continue;
    m = Array.isArray(e.multiValue) && e.multiValue.length ? e.multiValue : [e];
    for (i = 0; i < m.length; i++) out.push(m[i] && m[i].value != null ? k + '=' + m[i].value : k);
  }
  return out.length ? out.join('&') : undefined;
}

Object.defineProperty(globalThis, '__cfmock_decorateEvent', {
  value: function (event) {
    var req = event && event.request, raw;
    if (!req || typeof req != 'object') return;
    raw = rawQueryString(req.querystring);
    Object.defineProperty(req, 'rawQueryString', {
      value: function rawQueryString() {
        return raw;
      },
      writable: true,
      configurable: true,
    });
  },
  writable: true,
  configurable: true,
});
