import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DeliveryStatus } from "./wire.js";

/** One programmatic subscription, as the sidecar reads it from `GET /dapr/subscribe`. */
export interface Subscription {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** Handles one delivered event: its body (undefined when it was larger than `readLimit`) to a delivery status. */
export type DeliveryHandler = (body: Buffer | undefined) => Promise<DeliveryStatus>;

interface Route {
  subscription: Subscription;
  readLimit: number;
  handler: DeliveryHandler;
}

/**
 * The app side of Dapr's HTTP subscription contract: `GET /dapr/subscribe` lists the subscriptions, and each route
 * answers the sidecar's `POST` with HTTP 200 and `{"status":"SUCCESS"|"RETRY"|"DROP"}`. Listen on its own port with
 * `listen`, or mount `handle` in an existing Node HTTP server (it answers false for requests that are not its own).
 */
export class DaprApp {
  readonly #routes = new Map<string, Route>();
  #server: Server | undefined;

  /** Adds a subscription; `readLimit` caps the bytes read of one delivered event. */
  subscribe(subscription: Subscription, readLimit: number, handler: DeliveryHandler): void {
    if (!subscription.route.startsWith("/")) throw new RangeError(`The route '${subscription.route}' must start with '/'.`);
    if (this.#routes.has(subscription.route)) throw new RangeError(`The route '${subscription.route}' is already subscribed.`);
    if (this.#server !== undefined) throw new Error("Subscriptions must be added before the app listens: the sidecar reads them once.");
    this.#routes.set(subscription.route, { subscription, readLimit, handler });
  }

  /** The subscriptions, as served at `GET /dapr/subscribe`. */
  get subscriptions(): Subscription[] {
    return [...this.#routes.values()].map((r) => r.subscription);
  }

  /** Serves a request if it is `GET /dapr/subscribe` or a `POST` to a subscribed route; false otherwise. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = (request.url ?? "/").split("?")[0]!;
    if (path === "/dapr/subscribe" && request.method === "GET") {
      writeJson(response, 200, this.subscriptions);
      return true;
    }

    const route = this.#routes.get(path);
    if (route === undefined || request.method !== "POST") return false;
    let status: DeliveryStatus;
    try {
      status = await route.handler(await readBody(request, route.readLimit));
    } catch {
      // The handlers answer every input they understand; anything else is transient for the sidecar.
      status = "RETRY";
    }

    writeJson(response, 200, { status });
    return true;
  }

  /** Listens on `port` (0 picks a free one) and resolves with the port. */
  async listen(port = 0, host = "127.0.0.1"): Promise<number> {
    const server = createServer((request, response) => {
      this.handle(request, response).then((handled) => {
        if (!handled) writeJson(response, 404, { error: `No route for ${request.method} ${request.url}.` });
      }, () => {
        if (!response.headersSent) writeJson(response, 500, { error: "The request failed." });
      });
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** Reads a body up to `limit` bytes; undefined beyond it (the rest is read and discarded, so the answer still goes out). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return new Promise((resolve) => request.once("end", () => resolve(undefined)).once("error", () => resolve(undefined)));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    request.once("end", () => resolve(length > limit ? undefined : Buffer.concat(chunks, length)));
    request.once("error", reject);
  });
}

function writeJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
