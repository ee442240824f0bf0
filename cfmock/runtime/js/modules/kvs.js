// cf.kvs() / cf.kvs(id): the function's associated KeyValueStore, described by HOST.kvs ({id, keyCount,
// created, lastModified}; ISO-8601 times, or null). Its contents stay with the host: get and exists ask
// HOST.ask for one key, so a run's cost does not grow with the store. Calls answer promises; get() of a
// missing key rejects with KeyNotFound; no store, the ARN or another id throws KVSNamespaceNotFound
// (decisions 37).
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
      var format = options && options.format !== undefined ? options.format : 'string';
      try {
        key(k);
      } catch (e) {
        return Promise.reject(e);
      }
      return HOST.ask('get', k, function (v) {
        if (typeof v != 'string') throw namedError('KeyNotFound', 'Key "' + k + '" not found');
        if (format == 'string') return v;
        if (format == 'json') return JSON.parse(v);
        if (format == 'bytes') return hookLoaded(typeof bufFrom, 'buffer'), bufFrom(v);
        throw new TypeError('format must be "string", "json" or "bytes"');
      });
    },
    exists: function (k) {
      try {
        key(k);
      } catch (e) {
        return Promise.reject(e);
      }
      return HOST.ask('exists', k, function (found) {
        return found === true;
      });
    },
    meta: function () {
      // A store handed over without times reports the run's (frozen) start time.
      var created = store.created || new Date().toISOString();
      return Promise.resolve({
        creationDateTime: created,
        lastUpdatedDateTime: store.lastModified || created,
        keyCount: store.keyCount,
      });
    },
  };
}
