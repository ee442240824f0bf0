// The AWS SDK for JavaScript v3 against `cfmock server`, run by tests/clients/test_js_sdk.py.
//
// Configured only as docs/clients.md tells a user: AWS_ENDPOINT_URL_CLOUDFRONT for the control plane, and for the
// KeyValueStore data plane an endpointProvider naming the server (the SDK would otherwise send it to
// <account-id>.127.0.0.1, a host name Node's URL parser rejects). Each step asserts what a real client sees;
// the script prints one JSON line per finished scenario and exits non-zero on the first failure.
import assert from "node:assert/strict";
import {
  CloudFrontClient,
  CreateConnectionFunctionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteConnectionFunctionCommand,
  DeleteFunctionCommand,
  DeleteKeyValueStoreCommand,
  DescribeConnectionFunctionCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetFunctionCommand,
  ListConnectionFunctionsCommand,
  ListFunctionsCommand,
  ListKeyValueStoresCommand,
  PublishConnectionFunctionCommand,
  PublishFunctionCommand,
  TestConnectionFunctionCommand,
  TestFunctionCommand,
  UpdateConnectionFunctionCommand,
  UpdateFunctionCommand,
  UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand as DescribeDataCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import "@aws-sdk/signature-v4a"; // SigV4A for the data plane, in pure JavaScript

const ACCOUNT = "123456789012";
const endpoint = process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE;
assert.ok(endpoint, "AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE must be set");

const cf = new CloudFrontClient({ region: "us-east-1", maxAttempts: 1 });
const kvs = new CloudFrontKeyValueStoreClient({
  region: "us-east-1",
  maxAttempts: 1,
  endpointProvider: () => ({ url: new URL(endpoint) }),
});
// Records how each data-plane request was signed and where it went, to show SigV4A and the endpoint are in use.
const dataPlaneRequests = [];
kvs.middlewareStack.addRelativeTo(
  (next) => async (args) => {
    dataPlaneRequests.push({ algorithm: args.request.headers.authorization.split(" ")[0], host: args.request.hostname });
    return next(args);
  },
  { relation: "after", toMiddleware: "httpSigningMiddleware", name: "recordSigning" },
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EVENT = encoder.encode(
  JSON.stringify({
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "198.51.100.7" },
    request: { method: "GET", uri: "/index.html", headers: {}, cookies: {}, querystring: {} },
  }),
);
const CODE = {
  "cloudfront-js-1.0": (v) => `function handler(event) { var r = event.request; r.uri = '/${v}' + r.uri; return r; }`,
  "cloudfront-js-2.0": (v) => `async function handler(event) { const r = event.request; r.uri = \`/${v}\${r.uri}\`; return r; }`,
};
const KVS_CODE = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  const r = event.request;
  r.uri = await kvs.get('prefix') + r.uri;
  return r;
}`;
const ALLOW = "async function connectionHandler(connection) { connection.allow(); }";
const DENY = "async function connectionHandler(connection) { connection.deny(); }";
const CONNECTION = encoder.encode(JSON.stringify({ connectionId: "c1", clientIp: "203.0.113.42" }));

async function fails(promise, name, status) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata.httpStatusCode, status);
    return error;
  }
  assert.fail(`expected ${name}, the call succeeded`);
}

function uriOf(result) {
  assert.equal(result.TestResult.FunctionErrorMessage ?? "", "", result.TestResult.FunctionErrorMessage);
  return JSON.parse(result.TestResult.FunctionOutput).request.uri;
}

async function functionLifecycle(runtime) {
  const Name = `js-${runtime.replaceAll(".", "-")}`;
  const config = (Comment) => ({ Comment, Runtime: runtime });
  const created = await cf.send(
    new CreateFunctionCommand({ Name, FunctionConfig: config("first"), FunctionCode: encoder.encode(CODE[runtime]("v1")) }),
  );
  assert.equal(created.FunctionSummary.FunctionMetadata.Stage, "DEVELOPMENT");
  assert.equal(created.FunctionSummary.FunctionMetadata.FunctionARN, `arn:aws:cloudfront::${ACCOUNT}:function/${Name}`);
  const etag1 = created.ETag;
  assert.equal((await cf.send(new DescribeFunctionCommand({ Name, Stage: "DEVELOPMENT" }))).ETag, etag1);
  await fails(cf.send(new DescribeFunctionCommand({ Name, Stage: "LIVE" })), "NoSuchFunctionExists", 404);
  const got = await cf.send(new GetFunctionCommand({ Name, Stage: "DEVELOPMENT" }));
  assert.equal(decoder.decode(got.FunctionCode), CODE[runtime]("v1"));
  assert.equal(uriOf(await cf.send(new TestFunctionCommand({ Name, IfMatch: etag1, Stage: "DEVELOPMENT", EventObject: EVENT }))), "/v1/index.html");

  const published = await cf.send(new PublishFunctionCommand({ Name, IfMatch: etag1 }));
  assert.equal(published.FunctionSummary.FunctionMetadata.Stage, "LIVE");
  const liveEtag = (await cf.send(new DescribeFunctionCommand({ Name, Stage: "LIVE" }))).ETag;

  const update = (IfMatch, v) =>
    cf.send(new UpdateFunctionCommand({ Name, IfMatch, FunctionConfig: config(v), FunctionCode: encoder.encode(CODE[runtime](v)) }));
  const etag2 = (await update(etag1, "v2")).ETag;
  assert.notEqual(etag2, etag1);
  // A stale If-Match, and a missing one (the SDK sends no header for an absent member).
  await fails(update(etag1, "v3"), "PreconditionFailed", 412);
  await fails(update(undefined, "v3"), "InvalidIfMatchVersion", 400);
  await fails(cf.send(new PublishFunctionCommand({ Name, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
  await fails(cf.send(new DeleteFunctionCommand({ Name, IfMatch: etag1 })), "PreconditionFailed", 412);

  assert.equal(uriOf(await cf.send(new TestFunctionCommand({ Name, IfMatch: liveEtag, Stage: "LIVE", EventObject: EVENT }))), "/v1/index.html");
  assert.equal(uriOf(await cf.send(new TestFunctionCommand({ Name, IfMatch: etag2, EventObject: EVENT }))), "/v2/index.html");
  const live = await cf.send(new GetFunctionCommand({ Name, Stage: "LIVE" }));
  assert.equal(decoder.decode(live.FunctionCode), CODE[runtime]("v1"));
  const listed = await cf.send(new ListFunctionsCommand({}));
  assert.deepEqual(listed.FunctionList.Items.map((f) => f.FunctionMetadata.Stage).sort(), ["DEVELOPMENT", "LIVE"]);
  await cf.send(new DeleteFunctionCommand({ Name, IfMatch: etag2 }));
  assert.deepEqual((await cf.send(new ListFunctionsCommand({}))).FunctionList.Items ?? [], []);
}

async function connectionFunctionLifecycle() {
  const ConnectionFunctionConfig = { Comment: "conn", Runtime: "cloudfront-js-2.0" };
  const created = await cf.send(
    new CreateConnectionFunctionCommand({ Name: "js-conn", ConnectionFunctionConfig, ConnectionFunctionCode: encoder.encode(ALLOW) }),
  );
  const Id = created.ConnectionFunctionSummary.Id;
  const etag1 = created.ETag;
  const test = (IfMatch, Stage) => cf.send(new TestConnectionFunctionCommand({ Id, IfMatch, Stage, ConnectionObject: CONNECTION }));
  assert.match((await test(etag1)).ConnectionFunctionTestResult.ConnectionFunctionOutput, /allow/);
  await cf.send(new PublishConnectionFunctionCommand({ Id, IfMatch: etag1 }));
  const update = (IfMatch) =>
    cf.send(new UpdateConnectionFunctionCommand({ Id, IfMatch, ConnectionFunctionConfig, ConnectionFunctionCode: encoder.encode(DENY) }));
  const etag2 = (await update(etag1)).ETag;
  await fails(update(etag1), "PreconditionFailed", 412);
  await fails(update(undefined), "InvalidIfMatchVersion", 400);
  const liveEtag = (await cf.send(new DescribeConnectionFunctionCommand({ Identifier: Id, Stage: "LIVE" }))).ETag;
  assert.match((await test(liveEtag, "LIVE")).ConnectionFunctionTestResult.ConnectionFunctionOutput, /allow/);
  assert.match((await test(etag2)).ConnectionFunctionTestResult.ConnectionFunctionOutput, /deny/);
  await cf.send(new DeleteConnectionFunctionCommand({ Id, IfMatch: etag2 }));
  assert.deepEqual((await cf.send(new ListConnectionFunctionsCommand({}))).ConnectionFunctions ?? [], []);
}

async function keyValueStoreBothPlanes() {
  const Name = "js-kvs";
  const created = await cf.send(new CreateKeyValueStoreCommand({ Name, Comment: "store" }));
  const KvsARN = created.KeyValueStore.ARN;
  let storeEtag = created.ETag;
  assert.match(KvsARN, new RegExp(`^arn:aws:cloudfront::${ACCOUNT}:key-value-store/`));
  assert.equal((await cf.send(new DescribeKeyValueStoreCommand({ Name }))).KeyValueStore.ARN, KvsARN);
  assert.deepEqual((await cf.send(new ListKeyValueStoresCommand({}))).KeyValueStoreList.Items.map((s) => s.Name), [Name]);
  const commented = await cf.send(new UpdateKeyValueStoreCommand({ Name, Comment: "renamed", IfMatch: storeEtag }));
  await fails(cf.send(new UpdateKeyValueStoreCommand({ Name, Comment: "x", IfMatch: storeEtag })), "PreconditionFailed", 412);
  storeEtag = commented.ETag;

  const data = await kvs.send(new DescribeDataCommand({ KvsARN }));
  assert.equal(data.ItemCount, 0);
  let etag = (await kvs.send(new PutKeyCommand({ KvsARN, Key: "prefix", Value: "/from-kvs", IfMatch: data.ETag }))).ETag;
  await fails(kvs.send(new PutKeyCommand({ KvsARN, Key: "x", Value: "y", IfMatch: data.ETag })), "ConflictException", 409);
  assert.equal((await kvs.send(new GetKeyCommand({ KvsARN, Key: "prefix" }))).Value, "/from-kvs");
  etag = (
    await kvs.send(
      new UpdateKeysCommand({
        KvsARN,
        IfMatch: etag,
        Puts: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }],
        Deletes: [{ Key: "prefix" }],
      }),
    )
  ).ETag;
  await fails(kvs.send(new GetKeyCommand({ KvsARN, Key: "prefix" })), "ResourceNotFoundException", 404);
  assert.deepEqual((await kvs.send(new ListKeysCommand({ KvsARN }))).Items.map((i) => [i.Key, i.Value]), [["a", "1"], ["b", "2"]]);
  etag = (await kvs.send(new DeleteKeyCommand({ KvsARN, Key: "a", IfMatch: etag }))).ETag;
  etag = (await kvs.send(new PutKeyCommand({ KvsARN, Key: "prefix", Value: "/from-kvs", IfMatch: etag }))).ETag;
  const described = await kvs.send(new DescribeDataCommand({ KvsARN }));
  assert.deepEqual([described.ETag, described.ItemCount], [etag, 2]);
  assert.deepEqual(new Set(dataPlaneRequests.map((r) => `${r.algorithm} ${r.host}`)), new Set([`AWS4-ECDSA-P256-SHA256 ${new URL(endpoint).hostname}`]));

  // A runtime-2.0 function associated with the store reads what the data plane wrote.
  const reader = await cf.send(
    new CreateFunctionCommand({
      Name: "js-kvs-reader",
      FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: KvsARN }] } },
      FunctionCode: encoder.encode(KVS_CODE),
    }),
  );
  assert.equal(uriOf(await cf.send(new TestFunctionCommand({ Name: "js-kvs-reader", IfMatch: reader.ETag, EventObject: EVENT }))), "/from-kvs/index.html");
  await fails(cf.send(new DeleteKeyValueStoreCommand({ Name, IfMatch: storeEtag })), "CannotDeleteEntityWhileInUse", 409);
  await cf.send(new DeleteFunctionCommand({ Name: "js-kvs-reader", IfMatch: reader.ETag }));
  await fails(cf.send(new DeleteKeyValueStoreCommand({ Name, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
  await cf.send(new DeleteKeyValueStoreCommand({ Name, IfMatch: storeEtag }));
  assert.deepEqual((await cf.send(new ListKeyValueStoresCommand({}))).KeyValueStoreList.Items ?? [], []);
}

const scenarios = {
  "function cloudfront-js-1.0": () => functionLifecycle("cloudfront-js-1.0"),
  "function cloudfront-js-2.0": () => functionLifecycle("cloudfront-js-2.0"),
  "connection function": connectionFunctionLifecycle,
  "key value store": keyValueStoreBothPlanes,
};
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(scenarios)) {
  if (only.length && !only.includes(name)) continue;
  const started = performance.now();
  await run();
  console.log(JSON.stringify({ scenario: name, ok: true, ms: Math.round(performance.now() - started) }));
}
