// cfmock module prelude: shared definitions.
// Every file in this folder is a fragment of ONE function body: cfmock/runtime/modules.py joins the
// fragments that the user's code needs and wraps them in a strict IIFE, so top-level names here are
// private to the prelude; only what a fragment puts on globalThis or in __cfmock_modules is visible.
// Every run loads it (as cached bytecode, or compiled from source on the plain engine path), so it is kept terse.
var HOST = globalThis.__cfmock_host, MODULES = globalThis.__cfmock_modules;
var V1 = HOST.runtime === 'cloudfront-js-1.0';

function hasOwn(o, k) {
  return Object.prototype.hasOwnProperty.call(o, k);
}

// Checks `typeof` of a hook's function (modules.py): one missing where used is a bug in the scan.
function hookLoaded(type, fragment) {
  if (type != 'function') throw new Error('cfmock internal error: the ' + fragment + ' module fragment was not loaded');
}

// Uint8Array over the bytes of an ArrayBuffer or any ArrayBuffer view; null for anything else.
function bytesOf(v) {
  return ArrayBuffer.isView(v)
    ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
    : v instanceof ArrayBuffer
      ? new Uint8Array(v)
      : null;
}
