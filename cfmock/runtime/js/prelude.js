// cfmock engine prelude: run first in every fresh QuickJS context, before the modules' prelude and the
// user's code. sandbox.py stores this function as globalThis.__cfmock_setup and calls it with the run's
// configuration; it shapes the globals like CloudFront's runtime (decisions 27-30) and returns the engine
// function through which Python drives the run. What the user need not see stays in this closure; only the
// globals of the modules contract (__cfmock_host, __cfmock_modules) remain, hidden from enumeration.
// It is compiled once per process and loaded as bytecode where bytecode.py can; otherwise QuickJS compiles
// it on every run (about 70 us per KB), so it is kept terse.
(function (cfg) {
  "use strict";
  cfg = JSON.parse(cfg);
  var G = globalThis, O = Object, stringify = JSON.stringify, parse = JSON.parse, def = O.defineProperty;
  delete G.__cfmock_setup;
  var hasOwn = O.prototype.hasOwnProperty, tag = O.prototype.toString, Err = Error, Str = String;
  var RealDate = Date, realEval = eval, P = Promise, then = P.prototype.then, apply = Reflect.apply;
  var isArray = Array.isArray, slice = Str.prototype.slice;
  var ownDesc = O.getOwnPropertyDescriptor, protoOf = O.getPrototypeOf;
  // What the engine hands Python is built from primitives only: JSON.stringify of a string, number or null
  // consults no toJSON, so prototypes the user's code changed cannot reshape it (or crash cfmock).
  function q(v) {
    return v === undefined ? "null" : stringify(v);
  }
  function hide(target, name, value) {
    def(target, name, { value: value, writable: true, configurable: true });
  }

  // Contract with cfmock/runtime/modules.py: factories register in __cfmock_modules; require() loads them.
  // host.compile (indirect eval, unblocked) exists only while the modules' prelude runs, so module bodies
  // can be compiled lazily on first require(); it is removed before the user's code runs.
  var host = { runtime: cfg.runtime, eventType: cfg.eventType, edgeLocation: cfg.edgeLocation,
               originRecords: [], kvs: cfg.kvs, compile: function (src) { return realEval(src); } };
  // host.ask(op, key, answer): a promise settled once Python answers the request (a lookup in the associated
  // store's snapshot, so the store is never copied into the run); answer(reply) gives its value or throws.
  var asked = "", waiting = O.create(null), askedCount = 0, answeredCount = 0;
  host.ask = function (op, key, answer) {
    return new P(function (resolve, reject) {
      asked += (asked ? "," : "") + "[" + q(Str(op)) + "," + q(Str(key)) + "]";
      waiting[askedCount++] = [resolve, reject, answer];
    });
  };
  function answerAll(replies) {
    for (var i = 0, w; i < replies.length; i++) {
      w = waiting[answeredCount];
      delete waiting[answeredCount++];
      try {
        w[0](w[2](replies[i]));
      } catch (e) {
        w[1](e);
      }
    }
  }
  var modules = {}, loaded = {}, allowed = { crypto: 1, querystring: 1 };
  if (cfg.runtime === "cloudfront-js-2.0") allowed.cloudfront = 1;
  hide(G, "__cfmock_host", host);
  hide(G, "__cfmock_modules", modules);
  hide(G, "require", function require(name) {
    var key = Str(name);
    if (!hasOwn.call(allowed, key) || !hasOwn.call(modules, key)) throw new Err('Cannot find module "' + key + '"');
    if (!hasOwn.call(loaded, key)) loaded[key] = modules[key]();
    return loaded[key];
  });

  function errorString(e) {
    try {
      if (!(e instanceof Err)) return Str(e);
      var name = e.name === undefined ? "Error" : Str(e.name), msg = e.message === undefined ? "" : Str(e.message);
      return name === "" ? msg : msg === "" ? name : name + ": " + msg;
    } catch (x) {
      return "Error";
    }
  }

  // console.log only; one entry per call; Python applies the exact 10 KB cut (decisions 30). The entries are
  // kept as the inside of a JSON array, so no array (and no prototype setter) is involved.
  var logJson = "", logCount = 0, logChars = 0;
  function render(v) {
    var t = typeof v;
    if (t === "string") return v;
    if (t === "function") return v.name ? "[Function: " + v.name + "]" : "[Function]";
    if (v instanceof Err) return errorString(v);
    if (v !== null && t === "object") {
      try {
        var json = stringify(v);
        if (json !== undefined) return json;
      } catch (x) {} // cyclic and the like: fall back to the tag
      return tag.call(v);
    }
    return Str(v);
  }
  hide(G, "console", {});
  hide(G.console, "log", function log() {
    // Characters never outnumber UTF-8 bytes, so nothing past this point could survive the cut.
    if (logChars > cfg.logLimit || logCount >= cfg.logLimit) return;
    for (var line = "", i = 0; i < arguments.length && line.length <= cfg.logLimit; i++) {
      line += (i ? " " : "") + render(arguments[i]);
    }
    // Kept no longer than the cap can use (one character more, so that Python still sees it cut): a 1 MB
    // string is logged, not copied into the log until memory runs out.
    if (line.length > cfg.logLimit) line = apply(slice, line, [0, cfg.logLimit + 1]);
    logJson += (logCount++ ? "," : "") + stringify(line);
    logChars += line.length;
  });

  // Every reading of the clock returns the run's start time (decisions 27).
  var start = cfg.now;
  var FrozenDate = function Date() {
    if (new.target === undefined) return new RealDate(start).toString();
    return Reflect.construct(RealDate, arguments.length ? arguments : [start], new.target);
  };
  def(FrozenDate, "length", { value: 7 });
  FrozenDate.prototype = RealDate.prototype;
  hide(RealDate.prototype, "constructor", FrozenDate);
  hide(FrozenDate, "now", function now() { return start; }); // prettier-ignore
  hide(FrozenDate, "parse", RealDate.parse);
  hide(FrozenDate, "UTC", RealDate.UTC);
  hide(G, "Date", FrozenDate);

  // No dynamic code evaluation (decisions 27). Timers, host objects and QuickJS's extras are gone already:
  // the pruning before this removed every global runtime.md does not list (surface.py).
  function blocked(what) {
    var f = function () {
      throw new EvalError(what + " is not supported");
    };
    def(f, "name", { value: what === "eval" ? "eval" : "Function" });
    return f;
  }
  var fnProto = Function.prototype;
  hide(G, "eval", blocked("eval"));
  hide(G, "Function", blocked("Function constructor"));
  G.Function.prototype = fnProto;
  hide(fnProto, "constructor", G.Function);
  [async function () {}, function* () {}, async function* () {}].forEach(function (f) {
    hide(O.getPrototypeOf(f), "constructor", blocked("Function constructor"));
  });

  if (cfg.runtime === "cloudfront-js-1.0") {
    // runtime.md §3.2: 1.0's Promise has no all/any/race/allSettled, and its errors include MemoryError.
    delete P.all, delete P.any, delete P.race, delete P.allSettled;
    var MemoryError = function MemoryError(message) {
      return Reflect.construct(Err, arguments, new.target === undefined ? MemoryError : new.target);
    };
    MemoryError.prototype = O.create(Err.prototype);
    hide(MemoryError.prototype, "constructor", MemoryError);
    hide(MemoryError.prototype, "name", "MemoryError");
    hide(MemoryError.prototype, "message", "");
    O.setPrototypeOf(MemoryError, Err);
    hide(G, "MemoryError", MemoryError);
  }

  // The run. state: [status, value, error text, error stack]; decision: [action, custom data].
  var state = ["init"], decision = [null, null], decorate = null;
  function succeed(v) {
    state = ["returned", v];
  }
  function fail(e) {
    var stack = "";
    try {
      if (e !== null && typeof e === "object" && typeof e.stack === "string") stack = e.stack;
    } catch (x) {}
    state = ["error", undefined, errorString(e), stack];
  }
  function decide(action) {
    return function () {
      if (decision[0] === null) decision[0] = action; // the first decision wins (decisions 31)
    };
  }
  function invoke(payload) {
    // Free names resolve at call time through the global scope, so the user's global let, const and class
    // declarations count as well as var and function ones (nothing in this closure is called handler).
    var connection = cfg.kind === "connection", name = connection ? "connectionHandler" : "handler", h, ret;
    if (connection ? typeof connectionHandler === "undefined" : typeof handler === "undefined") {
      return (state = ["error", undefined, 'ReferenceError: "' + name + '" is not defined', ""]);
    }
    h = connection ? connectionHandler : handler;
    if (typeof h !== "function") return (state = ["error", undefined, "TypeError: " + name + " is not a function", ""]);
    try {
      var arg = parse(payload);
      if (cfg.kind === "connection") {
        hide(arg, "allow", decide("allow"));
        hide(arg, "deny", decide("deny"));
        hide(arg, "logCustomData", function logCustomData(data) {
          decision[1] = apply(slice, Str(data), [0, 801]); // Python keeps 800 UTF-8 bytes of it
        });
      } else if (decorate !== null) decorate(arg);
      ret = h(arg);
      if (ret !== null && (typeof ret === "object" || typeof ret === "function") && typeof ret.then === "function") {
        state = ["pending"]; // an async handler: Python runs the job queue until it settles
        return apply(then, P.resolve(ret), [succeed, fail]);
      }
    } catch (e) {
      return fail(e);
    }
    succeed(ret);
  }
  function result() {
    var v = state[1], type = v === null ? "null" : isArray(v) ? "array" : typeof v, json;
    if (state[0] === "returned" && cfg.kind !== "connection") {
      try {
        json = type === "object" ? stringify(v) : undefined; // runs user toJSON/getters: time-limited
      } catch (e) {
        fail(e);
      }
    }
    if (state[0] !== "returned") {
      return '{"status":' + q(state[0]) + ',"error":' + q(state[2]) + ',"stack":' + q(state[3]) + ',"quiet":' +
        quiet() + "}";
    }
    return '{"status":"returned","type":' + q(type) + ',"action":' + q(decision[0]) + ',"customData":' +
      q(decision[1]) + ',"quiet":' + quiet() + ',"value":' + (typeof json === "string" ? json : "null") + "}";
  }
  // Nothing logged and no origin recorded: meta() has nothing to tell, and Python skips that call. Read
  // without running user code: host is this closure's own object and an array's length is no accessor.
  var ownRecords = host.originRecords;
  function quiet() {
    var d = ownDesc(host, "originRecords");
    return logCount === 0 && d !== undefined && apply(hasOwn, d, ["value"]) && d.value === ownRecords &&
      ownRecords.length === 0;
  }
  function meta() {
    var origins = "", records = host.originRecords, i, one; // records hold the user's values: each may fail
    for (i = 0; i < records.length; i++) {
      try {
        one = stringify(records[i]);
      } catch (x) {
        one = undefined;
      }
      if (typeof one === "string") origins += (origins ? "," : "") + one;
    }
    return '{"logs":[' + logJson + '],"origins":[' + origins + "]}";
  }

  // Is the global-scope member path a function? Helps name the callee of "not a function" (js/guess.js, which
  // Python passes along). Compiled only when an error needs it: every run would otherwise load and make it.
  var protos = [Str.prototype, Array.prototype, Number.prototype, P.prototype, RegExp.prototype, RealDate.prototype];
  var guess = null;
  function isFunction(path, source) {
    if (guess === null) guess = realEval(source)(G, O, realEval, ownDesc, protoOf, hasOwn, apply, protos);
    return guess(path);
  }

  return function engine(op, a, b) {
    if (op === "ready") {
      delete host.compile;
      decorate = typeof G.__cfmock_decorateEvent === "function" ? G.__cfmock_decorateEvent : null;
      return delete G.__cfmock_decorateEvent;
    }
    // What was asked so far (by the code's top level or the handler): Python asks only if anything was, or
    // once promise jobs ran, as only they can ask from then on.
    if (op === "invoke") return invoke(a), asked !== ""; // prettier-ignore
    // Sliced: QuickJS-ng builds long concatenations as ropes, which its Python binding cannot convert.
    if (op === "result") return apply(slice, result(), [0]);
    if (op === "meta") return apply(slice, meta(), [0]);
    if (op === "is-function") return isFunction(parse(a), b);
    if (op === "asked") return (a = asked), (asked = ""), a; // prettier-ignore
    if (op === "answer") return void answerAll(parse(a));
  };
})
