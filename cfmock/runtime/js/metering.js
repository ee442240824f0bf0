// cfmock's metering of heavy built-ins (decisions 28), run in every fresh context before the engine prelude.
// QuickJS polls its interrupt handler after a count of jumps and calls, not of work done, so a loop calling
// indexOf on a 1 MB string ran 10 s past a 0.25 s limit. Each metered built-in spends one loop jump per KB it
// reads or makes, so the polls keep pace with the work; one call over a huge sparse array
// (new Array(1e8).join()) is a C loop QuickJS never interrupts, so those run as JavaScript loops instead.
// metering.py appends one line per metered built-in: T.name = ({ name(a, b) { return m(r, this, arguments); } }).name
// (a method: the built-in's name and length, no prototype, no [[Construct]]; assignment keeps its attributes).
(function () {
  "use strict";
  var apply = Reflect.apply, isArray = Array.isArray, isView = ArrayBuffer.isView, Str = String, BIG = 65536;
  function charge(n) {
    for (n = n >> 10; n > 0; n--);
  }
  function size(v) {
    return typeof v === "string" || isArray(v) || isView(v) ? v.length : 0;
  }
  function m(real, self, args, slowOne) {
    var n = size(self), i, r;
    for (i = 0; i < args.length; i++) n += size(args[i]);
    charge(n);
    r = slowOne !== undefined && isArray(self) && self.length > BIG ? slowOne(self, args) : apply(real, self, args);
    charge(size(r));
    return r;
  }
  // The slow versions and their helper, in blocks that metering.py includes only for the Array methods the
  // code can reach (each function here costs every run its loading and making). Named as they
  // were when these were one object literal (the first four), so stack traces read the same.
  var slow = {};
  // @helper fromIndex
  function toLength(v) {
    v = +v;
    return v !== v || v <= 0 ? 0 : v === Infinity ? Infinity : Math.floor(v);
  }
  function fromIndex(from, len) {
    var k = toLength(from === undefined ? 0 : from < 0 ? len + Math.trunc(from) : from);
    return from !== undefined && from < 0 && -from > len ? 0 : Math.min(k, len);
  }
  // @slow join
  slow.join = function join(a, args) {
    var sep = args[0] === undefined ? "," : Str(args[0]), out = "", i, v;
    for (i = 0; i < a.length; i++) {
      if (i) out += sep;
      if ((v = a[i]) !== undefined && v !== null) out += Str(v);
    }
    return out;
  };
  // @slow indexOf
  slow.indexOf = function indexOf(a, args) {
    for (var i = fromIndex(args[1], a.length); i < a.length; i++) if (i in a && a[i] === args[0]) return i;
    return -1;
  };
  // @slow includes
  slow.includes = function includes(a, args) {
    for (var i = fromIndex(args[1], a.length), x = args[0]; i < a.length; i++) {
      if (a[i] === x || (x !== x && a[i] !== a[i])) return true;
    }
    return false;
  };
  // @slow lastIndexOf
  slow.lastIndexOf = function lastIndexOf(a, args) {
    var i = args.length > 1 ? +args[1] : a.length - 1;
    i = i !== i ? 0 : i < 0 ? a.length + Math.trunc(i) : Math.min(Math.trunc(i), a.length - 1);
    for (; i >= 0; i--) if (i in a && a[i] === args[0]) return i;
    return -1;
  };
  // @slow reverse
  slow.reverse = function (a) {
    for (var lo = 0, hi = a.length - 1, l, h, lv, hv; lo < hi; lo++, hi--) {
      l = lo in a, h = hi in a, lv = a[lo], hv = a[hi]; // prettier-ignore
      if (h) a[lo] = hv;
      else if (l) delete a[lo];
      if (l) a[hi] = lv;
      else if (h) delete a[hi];
    }
    return a;
  };
  // @slow sort
  var realSort = Array.prototype.sort;
  slow.sort = function (a, args) {
    // As the built-in: values sorted first, then the undefineds, then the holes.
    var values = [], undefs = 0, i, k = 0;
    for (i = 0; i < a.length; i++) if (i in a) a[i] === undefined ? undefs++ : values.push(a[i]);
    apply(realSort, values, args.length ? [args[0]] : []);
    for (i = 0; i < values.length; i++) a[k++] = values[i];
    for (i = 0; i < undefs; i++) a[k++] = undefined;
    for (; k < a.length; k++) if (k in a) delete a[k];
    return a;
  };
  // @slow copyWithin
  slow.copyWithin = function (a, args) {
    var len = a.length, to = fromIndex(args[0], len), from = fromIndex(args[1], len);
    var end = args[2] === undefined ? len : fromIndex(args[2], len), n = Math.min(end - from, len - to), step = 1;
    if (from < to && to < from + n) (step = -1), (from += n - 1), (to += n - 1);
    for (; n > 0; n--, from += step, to += step) {
      if (from in a) a[to] = a[from];
      else delete a[to];
    }
    return a;
  };
  // @end
  var S = Str.prototype, A = Array.prototype, T = Object.getPrototypeOf(Int8Array.prototype), R = RegExp.prototype;
  var J = JSON, G = globalThis;
  /* METERED */
})();
