import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { DaprApp } from "./app.js";
import { DeduplicationWindow } from "./dedup.js";
import { resolveCommon, type DaprCommonOptions, type Logger } from "./options.js";
import { DaprPublisher } from "./publisher.js";
import {
  DELIVERY_OVERHEAD_BYTES, EventTypes, decodeEvent, encodeEvent, newConnectionId, newId, pubSubAddress,
  type DeliveryStatus, type McpEnvelope,
} from "./wire.js";

/** Options of the client side: where requests go and where replies come back. */
export interface DaprClientOptions extends DaprCommonOptions {
  /** The server's request topic; default `mcp-requests`. */
  serverTopic?: string | undefined;
  /** This client instance's reply topic; default `mcp-replies-{appId}`. Give each replica of an app its own. */
  replyTopic?: string | undefined;
  /** The route the sidecar delivers replies to; default `/mcp/pubsub/replies`. */
  route?: string | undefined;
}

/**
 * The reply side of MCP clients on Dapr: subscribes the reply topic on a {@link DaprApp}, de-duplicates delivered
 * events by CloudEvent id, and routes each to its connection by `mcpconnection`. Create one per process and one
 * {@link DaprClientTransport} per MCP `Client` from it.
 */
export class DaprReplyRouter {
  readonly appId: string;
  readonly pubsubName: string;
  readonly serverTopic: string;
  readonly replyTopic: string;
  readonly replyTo: string;
  readonly maxMessageBytes: number;
  readonly publisher: DaprPublisher;
  readonly logger: Logger;
  readonly #connections = new Map<string, DaprClientTransport>();
  readonly #seen: DeduplicationWindow;

  constructor(app: DaprApp, options: DaprClientOptions = {}) {
    const common = resolveCommon(options);
    this.appId = common.appId;
    this.pubsubName = common.pubsubName;
    this.maxMessageBytes = common.maxMessageBytes;
    this.logger = common.logger;
    this.serverTopic = options.serverTopic ?? "mcp-requests";
    this.replyTopic = options.replyTopic ?? `mcp-replies-${this.appId}`;
    if (this.replyTopic === this.serverTopic) throw new RangeError("The reply topic must differ from the server topic.");
    this.replyTo = pubSubAddress(this.pubsubName, this.replyTopic);
    pubSubAddress(this.pubsubName, this.serverTopic);
    this.publisher = new DaprPublisher(common.daprHttpEndpoint);
    this.#seen = new DeduplicationWindow(common.deduplicationCapacity);
    app.subscribe(
      { pubsubname: this.pubsubName, topic: this.replyTopic, route: options.route ?? "/mcp/pubsub/replies" },
      this.maxMessageBytes + DELIVERY_OVERHEAD_BYTES,
      (body) => this.#deliver(body));
  }

  /** A new transport for one MCP `Client` (one connection). */
  createTransport(): DaprClientTransport {
    return new DaprClientTransport(this);
  }

  /** @internal */
  open(connection: string, transport: DaprClientTransport): void {
    this.#connections.set(connection, transport);
  }

  /** @internal */
  closed(connection: string): void {
    this.#connections.delete(connection);
  }

  async #deliver(body: Buffer | undefined): Promise<DeliveryStatus> {
    if (body === undefined) {
      this.logger.warn(`asyncmcp-dapr: dropped a reply larger than ${this.maxMessageBytes + DELIVERY_OVERHEAD_BYTES} bytes, unread.`);
      return "DROP";
    }

    const decoded = decodeEvent(body, this.maxMessageBytes);
    if (!decoded.ok || decoded.envelope.message === undefined) {
      const detail = decoded.ok ? `unexpected event type '${decoded.envelope.type}'` : decoded.detail;
      this.logger.warn(`asyncmcp-dapr: dropped reply ${decoded.ok ? decoded.envelope.id : decoded.partial?.id ?? "(no id)"}: ${detail}`);
      return "DROP";
    }

    const envelope = decoded.envelope;
    const transport = envelope.connection === undefined ? undefined : this.#connections.get(envelope.connection);
    if (transport === undefined) {
      this.logger.warn(`asyncmcp-dapr: dropped reply ${envelope.id}: connection '${envelope.connection ?? ""}' is not open here.`);
      return "DROP";
    }

    if (!this.#seen.tryAdd(envelope.id)) return "SUCCESS";
    try {
      transport.deliver(envelope);
      return "SUCCESS";
    } catch (error) {
      this.#seen.forget(envelope.id);
      this.logger.warn(`asyncmcp-dapr: retrying reply ${envelope.id}: ${(error as Error).message}`);
      return "RETRY";
    }
  }
}

/**
 * An MCP SDK {@link Transport} for a `Client` whose server is reached over Dapr pub/sub: each message is published
 * as a CloudEvent to the server topic with this connection's reply address; replies arrive through the
 * {@link DaprReplyRouter}. The session id comes with the `initialize` response and is sent on every later message;
 * `close()` ends the session on the server with a session close event.
 */
export class DaprClientTransport implements Transport {
  /** The opaque id the server echoes on everything it sends for this connection. */
  readonly connection = newConnectionId();
  sessionId?: string | undefined;
  /** The protocol version the server answered `initialize` with (set by the SDK's `Client`). */
  protocolVersion?: string | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T) => void) | undefined;
  #state: "new" | "open" | "closed" = "new";

  constructor(private readonly router: DaprReplyRouter) {}

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error("The transport was already started; create one per client.");
    this.#state = "open";
    this.router.open(this.connection, this);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#state !== "open") throw new Error("The transport is not open.");
    await this.#publish(EventTypes.message, message);
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    const wasOpen = this.#state === "open";
    this.#state = "closed";
    this.router.closed(this.connection);
    try {
      // Ends the session now rather than when it expires.
      if (wasOpen && this.sessionId !== undefined) await this.#publish(EventTypes.sessionClose, undefined);
    } catch (error) {
      this.onerror?.(error as Error);
    } finally {
      this.onclose?.();
    }
  }

  /** @internal Called by the router with a delivered, de-duplicated event of this connection. */
  deliver(envelope: McpEnvelope): void {
    // The initialize response is the first event that carries the session id.
    if (this.sessionId === undefined && envelope.sessionId !== undefined) this.sessionId = envelope.sessionId;
    this.onmessage?.(envelope.message!);
  }

  async #publish(type: string, message: JSONRPCMessage | undefined): Promise<void> {
    const router = this.router;
    const bytes = encodeEvent({
      id: newId(),
      source: router.appId,
      type,
      sessionId: this.sessionId,
      replyTo: router.replyTo,
      connection: this.connection,
      message,
    });
    if (bytes.length > router.maxMessageBytes) {
      throw new Error(`The message is ${bytes.length} bytes, larger than the wire limit of ${router.maxMessageBytes} bytes.`);
    }

    await router.publisher.publish(router.pubsubName, router.serverTopic, bytes);
  }
}
