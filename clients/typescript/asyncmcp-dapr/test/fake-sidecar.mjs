// A stand-in for the Dapr sidecar's HTTP publish API: records what is published, or fails on demand.
import { createServer } from "node:http";

export async function startFakeSidecar() {
  const published = [];
  const state = { failWith: undefined };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      const match = /^\/v1\.0\/publish\/([^/]+)\/([^/?]+)$/.exec(request.url ?? "");
      if (!match) return void response.writeHead(404).end();
      if (state.failWith) return void response.writeHead(state.failWith, { "content-type": "application/json" }).end('{"errorCode":"ERR_PUBSUB_NOT_FOUND"}');
      published.push({
        pubsub: match[1],
        topic: match[2],
        contentType: request.headers["content-type"],
        event: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    published,
    state,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** Posts a delivered event to an app route and returns the status it answered. */
export async function deliver(port, route, body) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: "POST",
    headers: { "content-type": "application/cloudevents+json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return (await response.json()).status;
}

/** Waits until `read()` returns something truthy. */
export async function eventually(read, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const quiet = { info() {}, warn() {}, error() {} };
