import assert from "node:assert/strict";
import { test } from "node:test";
import { DaprApp, DaprServerHost } from "../dist/index.js";
import { deliver, eventually, quiet, startFakeSidecar } from "./fake-sidecar.mjs";

const ROUTE = "/mcp/pubsub/requests";
let next = 0;
const event = (fields = {}, data = { jsonrpc: "2.0", id: 1, method: "tools/list" }) => ({
  specversion: "1.0", id: `e${++next}`, source: "client-app", type: "io.asyncmcp.jsonrpc.v1",
  mcpreplyto: "pubsub://pubsub/replies", mcpconnection: "conn-1", datacontenttype: "application/json", data, ...fields,
});
const initialize = (id = 1) => ({ jsonrpc: "2.0", id, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } });

// A stand-in for an MCP server: answers every request with its method, and counts what it was handed.
async function startHost(options = {}) {
  const sidecar = await startFakeSidecar();
  const app = new DaprApp();
  const handed = [];
  const host = new DaprServerHost(app, { appId: "server-app", daprHttpEndpoint: sidecar.endpoint, logger: quiet, ...options }, (transport) => {
    transport.onmessage = (message) => {
      handed.push({ sessionId: transport.sessionId, message });
      if ("method" in message && "id" in message) {
        void transport.send({ jsonrpc: "2.0", id: message.id, result: { method: message.method, sessionId: transport.sessionId ?? null } }).catch(() => {});
      }
    };
  });
  const port = await app.listen(0);
  const replies = () => sidecar.published.filter((p) => p.topic === "replies");
  return {
    sidecar, host, handed, port, replies,
    post: (body) => deliver(port, ROUTE, body),
    reply: (id) => eventually(() => replies().find((p) => p.event.data.id === id)),
    close: async () => { await host.close(); await app.close(); await sidecar.close(); },
  };
}

test("the subscription is served at /dapr/subscribe with the dead-letter topic", async () => {
  const h = await startHost();
  try {
    const response = await fetch(`http://127.0.0.1:${h.port}/dapr/subscribe`);
    assert.deepEqual(await response.json(), [{ pubsubname: "pubsub", topic: "mcp-requests", route: ROUTE, deadLetterTopic: "mcp-deadletters" }]);
  } finally {
    await h.close();
  }
});

test("initialize opens a session whose replies go to its reply address with its id and connection", async () => {
  const h = await startHost();
  try {
    assert.equal(await h.post(event({}, initialize(1))), "SUCCESS");
    const opened = await h.reply(1);
    assert.equal(opened.contentType, "application/cloudevents+json");
    assert.equal(opened.pubsub, "pubsub");
    const sessionId = opened.event.mcpsessionid;
    assert.match(sessionId, /^[0-9a-f]{32}$/);
    assert.equal(opened.event.mcpconnection, "conn-1");
    assert.equal(opened.event.source, "server-app");
    assert.equal("mcpreplyto" in opened.event, false);

    // Later messages name the session; their replies still go to the address the session was opened with.
    assert.equal(await h.post(event({ mcpsessionid: sessionId, mcpreplyto: "pubsub://pubsub/other" }, { jsonrpc: "2.0", id: 2, method: "tools/list" })), "SUCCESS");
    assert.equal((await h.reply(2)).event.mcpsessionid, sessionId);
    assert.equal(h.host.sessionCount, 1);
  } finally {
    await h.close();
  }
});

test("messages without a session run in one lane per source, reply address and connection", async () => {
  const h = await startHost();
  try {
    await h.post(event({}, { jsonrpc: "2.0", id: 1, method: "server/discover" }));
    await h.post(event({}, { jsonrpc: "2.0", id: 2, method: "tools/list" }));
    await h.post(event({ mcpconnection: "conn-2" }, { jsonrpc: "2.0", id: 3, method: "tools/list" }));
    for (const id of [1, 2, 3]) assert.equal("mcpsessionid" in (await h.reply(id)).event, false);
    assert.equal(h.host.sessionCount, 0);
  } finally {
    await h.close();
  }
});

test("unknown and foreign sessions get -32001 and -32011 for requests, nothing for notifications", async () => {
  const h = await startHost();
  try {
    await h.post(event({}, initialize(1)));
    const sessionId = (await h.reply(1)).event.mcpsessionid;
    assert.equal(await h.post(event({ source: "intruder", mcpsessionid: sessionId }, { jsonrpc: "2.0", id: 2, method: "tools/list" })), "SUCCESS");
    assert.equal((await h.reply(2)).event.data.error.code, -32011);
    assert.equal(await h.post(event({ mcpsessionid: "f".repeat(32) }, { jsonrpc: "2.0", id: 3, method: "tools/list" })), "SUCCESS");
    const unknown = (await h.reply(3)).event;
    assert.equal(unknown.data.error.code, -32001);
    assert.equal(unknown.mcpsessionid, "f".repeat(32));
    assert.equal(await h.post(event({ mcpsessionid: "f".repeat(32) }, { jsonrpc: "2.0", method: "notifications/initialized" })), "SUCCESS");
    assert.equal(h.replies().length, 3);
  } finally {
    await h.close();
  }
});

test("initialize beyond maxSessions gets -32012; a close event from the owner frees the place", async () => {
  const h = await startHost({ maxSessions: 1 });
  try {
    await h.post(event({}, initialize(1)));
    const sessionId = (await h.reply(1)).event.mcpsessionid;
    await h.post(event({}, initialize(2)));
    assert.equal((await h.reply(2)).event.data.error.code, -32012);
    const close = (source) => ({ ...event({ source, type: "io.asyncmcp.session.close.v1", mcpsessionid: sessionId }), data: undefined, datacontenttype: undefined });
    assert.equal(await h.post(close("intruder")), "SUCCESS");
    assert.equal(h.host.sessionCount, 1, "a close from another app is ignored");
    assert.equal(await h.post(close("client-app")), "SUCCESS");
    assert.equal(h.host.sessionCount, 0);
    await h.post(event({}, initialize(3)));
    assert.ok((await h.reply(3)).event.data.result);
  } finally {
    await h.close();
  }
});

test("a duplicate id is handed over once", async () => {
  const h = await startHost();
  try {
    const body = event({}, { jsonrpc: "2.0", id: 7, method: "tools/list" });
    assert.equal(await h.post(body), "SUCCESS");
    assert.equal(await h.post(body), "SUCCESS");
    await h.reply(7);
    assert.equal(h.handed.length, 1);
  } finally {
    await h.close();
  }
});

test("when the error reply cannot be published the event is retried, and its redelivery processed", async () => {
  const h = await startHost();
  try {
    h.sidecar.state.failWith = 500;
    const body = event({ mcpsessionid: "a".repeat(32) });
    assert.equal(await h.post(body), "RETRY");
    h.sidecar.state.failWith = undefined;
    assert.equal(await h.post(body), "SUCCESS");
    assert.equal((await h.reply(1)).event.data.error.code, -32001);
  } finally {
    await h.close();
  }
});

test("oversized requests are answered -32010 and dropped; oversized results become -32010", async () => {
  const h = await startHost({ maxMessageBytes: 4096 });
  try {
    const big = event({}, { jsonrpc: "2.0", id: 5, method: "tools/call", params: { text: "x".repeat(8000) } });
    assert.equal(await h.post(big), "DROP");
    assert.equal((await h.reply(5)).event.data.error.code, -32010);
    assert.equal(await h.post(event({}, { jsonrpc: "2.0", id: 6, method: "x".repeat(5000) })), "SUCCESS");
    const replaced = (await h.reply(6)).event.data;
    assert.equal(replaced.error.code, -32010);
    assert.match(replaced.error.message, /^The result is \d+ bytes, larger than the wire limit of 4096 bytes\.$/);
    assert.equal(await h.post("x".repeat((4096 + 2048) * 4 + 1)), "DROP");
  } finally {
    await h.close();
  }
});

test("events it can never process are dropped", async () => {
  const h = await startHost();
  try {
    for (const body of ["{", event({ type: "other" }), event({ mcpreplyto: undefined }), event({ mcpreplyto: "binding://hooks/replies" }), event({}, { not: "json-rpc" })]) {
      assert.equal(await h.post(body), "DROP", JSON.stringify(body));
    }
    assert.equal(h.handed.length, 0);
  } finally {
    await h.close();
  }
});

test("an idle session ends, unless a request is unanswered", async () => {
  const sidecar = await startFakeSidecar();
  const app = new DaprApp();
  // Long enough that the first session's request arrives before it could go idle, even on a loaded machine.
  const host = new DaprServerHost(app, { appId: "s", daprHttpEndpoint: sidecar.endpoint, logger: quiet, sessionIdleTimeoutMs: 1000 }, (transport) => {
    transport.onmessage = (message) => {
      if (message.method === "initialize") void transport.send({ jsonrpc: "2.0", id: message.id, result: {} });
    };
  });
  const port = await app.listen(0);
  try {
    await deliver(port, ROUTE, event({}, initialize(1)));
    await deliver(port, ROUTE, event({}, initialize(2)));
    await eventually(() => sidecar.published.length === 2);
    const first = sidecar.published[0].event.mcpsessionid;
    await deliver(port, ROUTE, event({ mcpsessionid: first }, { jsonrpc: "2.0", id: 3, method: "tools/call" }));
    await eventually(() => host.sessionCount === 1, 10000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(host.sessionCount, 1, "the session with a request in flight stays");
  } finally {
    await host.close();
    await app.close();
    await sidecar.close();
  }
});
