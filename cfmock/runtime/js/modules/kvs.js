// cf.kvs() / cf.kvs(id): the function's associated KeyValueStore, read from HOST.kvs
// ({id, data, created, lastModified}; ISO-8601 times, or null). Calls answer promises; get() of a missing key rejects with
// KeyNotFound; no store, the ARN or another id throws KVSNamespaceNotFound (decisions 37).
function cfKvs(id) {
  var store = HOST.kvs;
  if (!store) throw namedError('KVSNamespaceNotFound', 'No KeyValueStore is associated with this function');
  if (id !== undefined && id !== store.id) throw namedError('KVSNamespaceNotFound', 'KeyValueStore "' + id + '" is not associated with this function');
  function key(k) {
    if (typeof k != 'string') throw new TypeError('key must be a string');
    return k;
  }
  return {
    get: function (k, options) {
      return new Promise(function (resolve) {
        var format = options && options.format !== undefined ? options.format : 'string', v;
        if (!hasOwn(store.data, key(k))) throw namedError('KeyNotFound', 'Key "' + k + '" not found');
        v = String(store.data[k]);
        if (format == 'string') resolve(v);
        else if (format == 'json') resolve(JSON.parse(v));
        else if (format == 'bytes') hookLoaded(typeof bufFrom, 'buffer'), resolve(bufFrom(v));
        else throw new TypeError('format must be "string", "json" or "bytes"');
      });
    },
    exists: function (k) {
      return new Promise(function (resolve) {
        resolve(hasOwn(store.data, key(k)));
      });
    },
    meta: function () {
      // A store handed over without times reports the run's (frozen) start time.
      var created = store.created || new Date().toISOString();
      return Promise.resolve({
        creationDateTime: created,
        lastUpdatedDateTime: store.lastModified || created,
        keyCount: Object.keys(store.data).length,
      });
    },
  };
}
