// cf.updateRequestOrigin, cf.selectRequestOriginById, cf.createRequestOriginGroup (viewer-request
// only). Arguments are checked loosely against the documented shapes (decisions 33): a known field
// with a bad value throws a TypeError naming the helper and the field; a field the documentation does
// not list is accepted (AWS's own examples pass some, such as originAccessControlConfig.region) and
// named in the record. Each accepted call is appended to HOST.originRecords as {method, args} plus
// {unknownFields: [...]} when it had any: args is a JSON copy of the props (update, group) or
// {originId, overrides?} (select).
var ORIGIN_DISALLOWED =
  /^(connection|expect|keep-alive|proxy-authenticate|proxy-authorization|proxy-connection|trailer|upgrade|x-accel-.*|x-amz-cf-.*|x-amzn-auth|x-amzn-cf-billing|x-amzn-cf-id|x-amzn-cf-xff|x-amzn-errortype|x-amzn-fle-profile|x-amzn-header-count|x-amzn-header-order|x-amzn-lambda-integration-tag|x-amzn-requestid|x-cache|x-edge-.*|x-forwarded-proto|x-real-ip)$/;

function originCheck(ok, method, field, rule) {
  if (!ok) throw new TypeError(method + ': "' + field + '" ' + rule);
}

// The fields of the call being checked that the documentation does not list.
var originUnknown = [];

function originObject(v, method, field, keys) {
  originCheck(v !== null && typeof v == 'object' && !Array.isArray(v), method, field, 'must be an object');
  for (var k in v) if (keys && keys.indexOf(' ' + k + ' ') < 0) originUnknown.push(field == 'props' ? k : field + '.' + k);
  return v;
}

function originInt(v, method, field, min, max) {
  originCheck(typeof v == 'number' && v % 1 === 0 && v >= min && v <= max, method, field, 'must be an integer from ' + min + ' to ' + max);
}

function originOneOf(v, method, field, values) {
  originCheck(values.indexOf(v) >= 0, method, field, 'must be one of ' + values.join(', '));
}

function originHostName(v, method, field) {
  originCheck(typeof v == 'string' && /^[A-Za-z0-9_.-]{1,253}$/.test(v) && !/^[0-9.]+$/.test(v), method, field,
    'must be a domain name of at most 253 characters (no port, not an IP address)');
}

// Fields shared by all three helpers.
function originCommon(v, k, method) {
  var i;
  if (k == 'hostHeader' || k == 'sni') return originHostName(v[k], method, k), true;
  if (k == 'allowedCertificateNames') {
    originCheck(Array.isArray(v[k]) && v[k].length <= 20, method, k, 'must be an array of at most 20 names');
    for (i = 0; i < v[k].length; i++) originCheck(typeof v[k][i] == 'string' && v[k][i].length > 0 && v[k][i].length <= 64, method, k, 'names must have 1 to 64 characters');
    return true;
  }
  return false;
}

function originRecord(method, args) {
  var record = { method: method, args: JSON.parse(JSON.stringify(args)) };
  if (originUnknown.length) record.unknownFields = originUnknown;
  HOST.originRecords.push(record);
}

// Every helper starts here: viewer-request only, and a fresh list of unknown fields.
function originStart(method) {
  if (HOST.eventType != 'viewer-request') throw new TypeError(method + ' can only be used in viewer request functions');
  originUnknown = [];
}

function cfUpdateRequestOrigin(props) {
  var m = 'updateRequestOrigin', k, v, i;
  originStart(m);
  originObject(props, m, 'props', ' domainName hostHeader originPath customHeaders connectionAttempts originShield originAccessControlConfig timeouts customOriginConfig sni allowedCertificateNames ');
  for (k in props) {
    v = props[k];
    if (originCommon(props, k, m)) continue;
    if (k == 'domainName') {
      originHostName(v, m, k);
      if (/\.s3[.-]/.test(v)) originCheck(v.length <= 128 && v == v.toLowerCase(), m, k, 'of an S3 origin must be lowercase and at most 128 characters');
    } else if (k == 'originPath') {
      originCheck(typeof v == 'string' && v[0] == '/' && v.slice(-1) != '/' && v.length <= 255, m, k, 'must start with "/", not end with "/" and have at most 255 characters');
    } else if (k == 'customHeaders') {
      originObject(v, m, k, null);
    } else if (k == 'connectionAttempts') {
      originInt(v, m, k, 1, 3);
    } else if (k == 'originShield') {
      originObject(v, m, k, ' enabled region ');
      originCheck(typeof v.enabled == 'boolean', m, 'originShield.enabled', 'must be a boolean');
      originCheck(v.region === undefined ? !v.enabled : typeof v.region == 'string' && v.region.length > 0, m, 'originShield.region', 'must name a region when enabled');
    } else if (k == 'originAccessControlConfig') {
      originObject(v, m, k, ' enabled signingBehavior signingProtocol originType ');
      originCheck(typeof v.enabled == 'boolean', m, k + '.enabled', 'must be a boolean');
      if (v.signingBehavior !== undefined) originOneOf(v.signingBehavior, m, k + '.signingBehavior', ['always', 'never', 'no-override']);
      if (v.signingProtocol !== undefined) originOneOf(v.signingProtocol, m, k + '.signingProtocol', ['sigv4']);
      if (v.originType !== undefined) originOneOf(v.originType, m, k + '.originType', ['s3', 'mediapackagev2', 'mediastore', 'lambda']);
    } else if (k == 'timeouts') {
      originObject(v, m, k, ' readTimeout responseCompletionTimeout keepAliveTimeout connectionTimeout ');
      if (v.readTimeout !== undefined) originInt(v.readTimeout, m, k + '.readTimeout', 1, 120);
      if (v.keepAliveTimeout !== undefined) originInt(v.keepAliveTimeout, m, k + '.keepAliveTimeout', 1, 120);
      if (v.connectionTimeout !== undefined) originInt(v.connectionTimeout, m, k + '.connectionTimeout', 1, 10);
      if (v.responseCompletionTimeout !== undefined) originInt(v.responseCompletionTimeout, m, k + '.responseCompletionTimeout', v.readTimeout || 1, Infinity);
    } else if (k == 'customOriginConfig') {
      originObject(v, m, k, ' port protocol sslProtocols ipAddressType ');
      if (v.port !== undefined) originInt(v.port, m, k + '.port', 1, 65535);
      if (v.protocol !== undefined) originOneOf(v.protocol, m, k + '.protocol', ['http', 'https']);
      if (v.sslProtocols !== undefined) {
        originCheck(Array.isArray(v.sslProtocols) && v.sslProtocols.length > 0, m, k + '.sslProtocols', 'must be a non-empty array');
        for (i = 0; i < v.sslProtocols.length; i++) originOneOf(v.sslProtocols[i], m, k + '.sslProtocols', ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
      }
      if (v.ipAddressType !== undefined) {
        originOneOf(v.ipAddressType, m, k + '.ipAddressType', ['ipv4', 'ipv6', 'dualstack']);
        originCheck(props.domainName !== undefined, m, k + '.ipAddressType', 'can only be set together with domainName');
      }
    }
  }
  if (props.customHeaders) {
    for (k in props.customHeaders) {
      originCheck(/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(k), m, 'customHeaders.' + k, 'must be a lowercase header name');
      originCheck(!ORIGIN_DISALLOWED.test(k), m, 'customHeaders.' + k, 'is a header that CloudFront does not allow');
      originCheck(typeof props.customHeaders[k] == 'string', m, 'customHeaders.' + k, 'must be a string');
    }
  }
  originRecord(m, props);
}

function originOverrides(v, m, field) {
  originObject(v, m, field, ' hostHeader sni allowedCertificateNames ');
  for (var k in v) originCommon(v, k, m);
}

function cfSelectRequestOriginById(originId, overrides) {
  var m = 'selectRequestOriginById', args = { originId: originId };
  originStart(m);
  originCheck(typeof originId == 'string' && originId.length > 0, m, 'originId', 'must be a non-empty string');
  if (overrides !== undefined) originOverrides(overrides, m, 'overrides'), (args.overrides = overrides);
  originRecord(m, args);
}

function cfCreateRequestOriginGroup(props) {
  var m = 'createRequestOriginGroup', ids, f, i, o;
  originStart(m);
  originObject(props, m, 'props', ' originIds selectionCriteria failoverCriteria ');
  ids = props.originIds;
  originCheck(Array.isArray(ids) && ids.length == 2, m, 'originIds', 'must list exactly two origins (primary first)');
  for (i = 0; i < 2; i++) {
    o = ids[i];
    if (typeof o == 'string') {
      originCheck(o.length > 0, m, 'originIds', 'must not contain an empty id');
    } else {
      originObject(o, m, 'originIds[' + i + ']', ' originId originOverrides ');
      originCheck(typeof o.originId == 'string' && o.originId.length > 0, m, 'originIds[' + i + '].originId', 'must be a non-empty string');
      if (o.originOverrides !== undefined) originOverrides(o.originOverrides, m, 'originIds[' + i + '].originOverrides');
    }
  }
  if (props.selectionCriteria !== undefined) originOneOf(props.selectionCriteria, m, 'selectionCriteria', ['default', 'media-quality-score']);
  f = props.failoverCriteria;
  if (f !== null && typeof f == 'object' && !Array.isArray(f)) originObject(f, m, 'failoverCriteria', ' statusCodes '), (f = f.statusCodes);
  originCheck(Array.isArray(f) && f.length > 0, m, 'failoverCriteria', 'must be a non-empty list of status codes (or {statusCodes: [...]})');
  for (i = 0; i < f.length; i++) originOneOf(f[i], m, 'failoverCriteria', [400, 403, 404, 416, 500, 502, 503, 504]);
  originRecord(m, props);
}
