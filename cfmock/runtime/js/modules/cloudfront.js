// require('cloudfront') (runtime 2.0; the engine rewrites `import cf from 'cloudfront'` to it).
// kvs.js and origins.js add cf.kvs() and the origin helpers when the code can use them.
function namedError(name, message) {
  var e = new Error(message);
  Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });
  return e;
}

// {name, serverIp, region} in viewer-request, empty elsewhere. The host gives either that object or
// an edge location string such as "SEA19-C1" (IATA code first); the region is the usual Regional
// Edge Cache for that code, and the server address is a documentation address.
function cfEdgeLocation() {
  var e = HOST.edgeLocation, name, m;
  if (HOST.eventType != 'viewer-request') return {};
  if (e && typeof e == 'object') return { name: e.name, serverIp: e.serverIp, region: e.region };
  name = String(e || 'IAD').slice(0, 3).toUpperCase();
  m = new RegExp('\\b' + name + ':([a-z0-9-]+)').exec(
    'IAD:us-east-1 JFK:us-east-1 EWR:us-east-1 ATL:us-east-1 MIA:us-east-1 BOS:us-east-1 ORD:us-east-2 ' +
      'DFW:us-east-2 SEA:us-west-2 PDX:us-west-2 SFO:us-west-1 LAX:us-west-1 DUB:eu-west-1 LHR:eu-west-2 ' +
      'CDG:eu-west-3 FRA:eu-central-1 AMS:eu-central-1 ARN:eu-north-1 MXP:eu-south-1 NRT:ap-northeast-1 ' +
      'ICN:ap-northeast-2 SIN:ap-southeast-1 SYD:ap-southeast-2 BOM:ap-south-1 GRU:sa-east-1',
  );
  return { name: name, serverIp: '192.0.2.1', region: m ? m[1] : 'us-east-1' };
}

// A standard distribution has no tenant (HOST.distributionTenant {id, parameters} would be one).
function cfTenant() {
  var t = HOST.distributionTenant;
  if (!t) throw new TypeError('distributionTenant module is not available');
  return {
    id: t.id,
    parameters: {
      get: function (key) {
        if (!hasOwn(t.parameters || {}, key)) throw namedError('DistributionTenantParameterKeyNotFound', 'Parameter "' + key + '" not found');
        return t.parameters[key];
      },
    },
  };
}

MODULES.cloudfront = function () {
  var cf = { edgeLocation: cfEdgeLocation() };
  Object.defineProperty(cf, 'distributionTenant', { get: cfTenant, configurable: true });
  if (typeof cfKvs == 'function') cf.kvs = cfKvs;
  if (typeof cfUpdateRequestOrigin == 'function') {
    cf.updateRequestOrigin = cfUpdateRequestOrigin;
    cf.selectRequestOriginById = cfSelectRequestOriginById;
    cf.createRequestOriginGroup = cfCreateRequestOriginGroup;
  }
  return cf;
};
