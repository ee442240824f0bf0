// cfmock's guess whether a global-scope member path is a function (null: cannot tell), which names the callee
// of "not a function". The engine prelude compiles it on the first such error only (sandbox.py passes this
// text) and hands it what it captured before the user's code ran. Read through property descriptors, never
// through getters: guessing must not run the user's code again.
(function (G, O, realEval, ownDesc, protoOf, hasOwn, apply, protos) {
  "use strict";
  function isFunction(path) {
    try {
      var d = dataProp(G, path[0]), v, i;
      if (d === null) return null;
      v = d === undefined ? realEval(path[0]) : d.value; // let, const and class bindings are not properties
      for (i = 1; i < path.length; i++) {
        if (v === null || v === undefined || (d = dataProp(O(v), path[i])) === null) return null;
        v = d === undefined ? undefined : d.value;
      }
      return typeof v === "function";
    } catch (x) {
      // A local's method (s.split in s.split('/').mapp()): a name the built-in prototypes define is likely fine.
      return path.length > 1 && knownMethod(path[path.length - 1]) ? true : null;
    }
  }
  function knownMethod(key) {
    for (var i = 0, d; i < protos.length; i++) {
      if ((d = dataProp(protos[i], key)) && typeof d.value === "function") return true;
    }
    return false;
  }
  function dataProp(o, key) {
    // The descriptor of o[key] along the prototype chain: undefined when absent, null for an accessor.
    for (var d; o !== null; o = protoOf(o)) {
      if ((d = ownDesc(o, key))) return apply(hasOwn, d, ["get"]) ? null : d;
    }
  }
  return isFunction;
})
