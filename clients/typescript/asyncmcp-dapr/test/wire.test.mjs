import assert from "node:assert/strict";
import { test } from "node:test";
import { DeduplicationWindow, decodeEvent, encodeEvent, parseReplyAddress, pubSubAddress } from "../dist/index.js";

const event = (fields = {}) => ({
  specversion: "1.0", id: "e1", source: "app", type: "io.asyncmcp.jsonrpc.v1", mcpreplyto: "pubsub://pubsub/replies",
  datacontenttype: "application/json", data: { jsonrpc: "2.0", id: 1, method: "tools/list" }, ...fields,
});
const bytes = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

test("reply addresses follow the contract's rules", () => {
  assert.deepEqual(parseReplyAddress("pubsub://pubsub/mcp-replies-a"), { kind: "pubsub", component: "pubsub", topic: "mcp-replies-a" });
  assert.deepEqual(parseReplyAddress("binding://hooks/a/b~c"), { kind: "binding", component: "hooks", path: "a/b~c" });
  for (const bad of ["http://x/y", "PUBSUB://p/t", "pubsub://P/t", "pubsub://p/a/b", "pubsub://p/", "pubsub://user@p/t",
    "binding://b/../x", "binding://b/a//c", "binding://b/a%2fb", "binding://b/x?y", "pubsub://p/t#f", `pubsub://p/${"t".repeat(257)}`]) {
    assert.equal(parseReplyAddress(bad), undefined, bad);
  }
  assert.throws(() => pubSubAddress("pubsub", "a/b"), RangeError);
});

test("an encoded event decodes to the same envelope", () => {
  const envelope = { id: "abc", source: "app", type: "io.asyncmcp.jsonrpc.v1", sessionId: "s1", replyTo: "pubsub://pubsub/r",
    connection: "c1", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01", message: { jsonrpc: "2.0", method: "notifications/initialized" } };
  const encoded = JSON.parse(encodeEvent(envelope).toString("utf8"));
  assert.equal(encoded.specversion, "1.0");
  assert.equal(encoded.datacontenttype, "application/json");
  assert.equal(encoded.mcpsessionid, "s1");
  assert.ok(!Number.isNaN(Date.parse(encoded.time)));
  const decoded = decodeEvent(encodeEvent(envelope), 260_096);
  assert.equal(decoded.ok, true);
  assert.deepEqual({ ...decoded.envelope, topic: undefined }, { ...envelope, topic: undefined });
});

test("a close event has no data, and needs a session", () => {
  const close = encodeEvent({ id: "c", source: "app", type: "io.asyncmcp.session.close.v1", sessionId: "s", replyTo: "pubsub://pubsub/r" });
  assert.equal("data" in JSON.parse(close.toString()), false);
  assert.equal(decodeEvent(close, 260_096).ok, true);
  const noSession = decodeEvent(bytes({ ...event({ type: "io.asyncmcp.session.close.v1" }), data: undefined }), 260_096);
  assert.equal(noSession.error, "missing-attribute");
});

test("malformed events are refused with the reason", () => {
  const cases = [
    ["{not json", "malformed-cloud-event"],
    ["[1]", "malformed-cloud-event"],
    [event({ specversion: "0.3" }), "malformed-cloud-event"],
    [event({ id: "" }), "malformed-cloud-event"],
    [event({ source: undefined }), "malformed-cloud-event"],
    [event({ mcpsessionid: 5 }), "malformed-cloud-event"],
    [event({ data_base64: "AA==" }), "malformed-cloud-event"],
    [event({ type: "com.dapr.event.sent" }), "unknown-type"],
    [event({ mcpreplyto: "https://x" }), "missing-attribute"],
    [event({ data: { hello: 1 } }), "malformed-json-rpc"],
    [event({ data: "text" }), "malformed-json-rpc"],
    [event({ datacontenttype: "text/plain" }), "malformed-json-rpc"],
  ];
  for (const [input, error] of cases) {
    const result = decodeEvent(bytes(input), 260_096);
    assert.equal(result.ok, false, JSON.stringify(input));
    assert.equal(result.error, error, JSON.stringify(input));
  }
  // JSON null means absent, and data without datacontenttype is JSON (CloudEvents JSON format).
  assert.equal(decodeEvent(bytes(event({ mcpsessionid: null, datacontenttype: undefined })), 260_096).ok, true);
});

test("an oversized event is refused after its attributes and request id are read", () => {
  const big = event({ id: "big", data: { jsonrpc: "2.0", id: 9, method: "tools/call", params: { text: "x".repeat(10_000) } } });
  const result = decodeEvent(bytes(big), 4096);
  assert.equal(result.error, "too-large");
  assert.equal(result.partial.id, "big");
  assert.equal(result.partial.replyTo, "pubsub://pubsub/replies");
  assert.deepEqual(result.request, { id: 9, method: "tools/call" });
  // The 2 KiB the sidecar adds on delivery are allowed for.
  const justOver = decodeEvent(bytes(event({ data: { jsonrpc: "2.0", id: 1, method: "x", params: { t: "x".repeat(4096 + 1024) } } })), 4096);
  assert.equal(justOver.ok, true);
});

test("the de-duplication window remembers the last ids and forgets on request", () => {
  const window = new DeduplicationWindow(2);
  assert.equal(window.tryAdd("a"), true);
  assert.equal(window.tryAdd("a"), false);
  window.tryAdd("b");
  window.tryAdd("c");
  assert.equal(window.tryAdd("a"), true, "the oldest id was evicted");
  window.forget("c");
  assert.equal(window.tryAdd("c"), true);
  assert.throws(() => new DeduplicationWindow(0), RangeError);
});
