import assert from "node:assert/strict";
import { test } from "node:test";
import { DaprApp, DaprReplyRouter } from "../dist/index.js";
import { deliver, eventually, quiet, startFakeSidecar } from "./fake-sidecar.mjs";

const ROUTE = "/mcp/pubsub/replies";

async function startClient() {
  const sidecar = await startFakeSidecar();
  const app = new DaprApp();
  const router = new DaprReplyRouter(app, { appId: "js-agent", daprHttpEndpoint: sidecar.endpoint, logger: quiet });
  const port = await app.listen(0);
  const transport = router.createTransport();
  const received = [];
  transport.onmessage = (message) => received.push(message);
  await transport.start();
  const reply = (fields, data) => ({
    specversion: "1.0", id: fields.id, source: "server", type: "io.asyncmcp.jsonrpc.v1", mcpconnection: transport.connection,
    datacontenttype: "application/json", data, ...fields,
  });
  return { sidecar, app, router, port, transport, received, reply, close: async () => { await app.close(); await sidecar.close(); } };
}

test("the reply subscription is served at /dapr/subscribe", async () => {
  const c = await startClient();
  try {
    const response = await fetch(`http://127.0.0.1:${c.port}/dapr/subscribe`);
    assert.deepEqual(await response.json(), [{ pubsubname: "pubsub", topic: "mcp-replies-js-agent", route: ROUTE }]);
  } finally {
    await c.close();
  }
});

test("messages go to the server topic as the contract's CloudEvent; the session id comes with the first reply", async () => {
  const c = await startClient();
  try {
    await c.transport.send({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
    const sent = c.sidecar.published[0];
    assert.equal(sent.topic, "mcp-requests");
    assert.equal(sent.contentType, "application/cloudevents+json");
    assert.equal(sent.event.source, "js-agent");
    assert.equal(sent.event.type, "io.asyncmcp.jsonrpc.v1");
    assert.equal(sent.event.mcpreplyto, "pubsub://pubsub/mcp-replies-js-agent");
    assert.equal(sent.event.mcpconnection, c.transport.connection);
    assert.match(sent.event.id, /^[0-9a-f]{32}$/);
    assert.equal("mcpsessionid" in sent.event, false);

    assert.equal(await deliver(c.port, ROUTE, c.reply({ id: "r1", mcpsessionid: "s1" }, { jsonrpc: "2.0", id: 1, result: {} })), "SUCCESS");
    assert.equal(c.transport.sessionId, "s1");
    await c.transport.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    assert.equal(c.sidecar.published[1].event.mcpsessionid, "s1");

    // A duplicate is not handed over twice.
    assert.equal(await deliver(c.port, ROUTE, c.reply({ id: "r1", mcpsessionid: "s1" }, { jsonrpc: "2.0", id: 1, result: {} })), "SUCCESS");
    assert.equal(c.received.length, 1);

    // close() ends the session with a close event.
    let closed = false;
    c.transport.onclose = () => { closed = true; };
    await c.transport.close();
    const close = c.sidecar.published[2].event;
    assert.equal(close.type, "io.asyncmcp.session.close.v1");
    assert.equal(close.mcpsessionid, "s1");
    assert.equal("data" in close, false);
    assert.ok(closed);
    // The connection is gone: its replies are dropped.
    assert.equal(await deliver(c.port, ROUTE, c.reply({ id: "r2" }, { jsonrpc: "2.0", id: 2, result: {} })), "DROP");
  } finally {
    await c.close();
  }
});

test("a message over the limit is not published", async () => {
  const c = await startClient();
  try {
    await assert.rejects(c.transport.send({ jsonrpc: "2.0", id: 1, method: "x", params: { t: "x".repeat(300_000) } }), /larger than the wire limit of 260096 bytes/);
    assert.equal(c.sidecar.published.length, 0);
  } finally {
    await c.close();
  }
});

test("a handler that throws makes the sidecar retry, and the redelivery is handed over", async () => {
  const c = await startClient();
  try {
    let fail = true;
    c.transport.onmessage = (message) => {
      if (fail) throw new Error("not now");
      c.received.push(message);
    };
    const body = c.reply({ id: "r9" }, { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } });
    assert.equal(await deliver(c.port, ROUTE, body), "RETRY");
    fail = false;
    assert.equal(await deliver(c.port, ROUTE, body), "SUCCESS");
    await eventually(() => c.received.length === 1);
  } finally {
    await c.close();
  }
});

test("a failed publish rejects the send", async () => {
  const c = await startClient();
  try {
    c.sidecar.state.failWith = 404;
    await assert.rejects(c.transport.send({ jsonrpc: "2.0", id: 1, method: "ping" }), /HTTP 404/);
  } finally {
    await c.close();
  }
});

test("options are checked", () => {
  const app = new DaprApp();
  assert.throws(() => new DaprReplyRouter(app, { appId: "a", replyTopic: "mcp-requests" }), /must differ/);
  assert.throws(() => new DaprReplyRouter(app, { appId: "a", maxMessageBytes: 100 }), /maxMessageBytes/);
  assert.throws(() => new DaprReplyRouter(app, { appId: "a", replyTopic: "a/b" }), /not a valid topic/);
});
