import { randomBytes } from "node:crypto";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { DaprApp } from "./app.js";
import { DeduplicationWindow } from "./dedup.js";
import { resolveCommon, type DaprCommonOptions, type Logger } from "./options.js";
import { DaprPublisher } from "./publisher.js";
import {
  DELIVERY_OVERHEAD_BYTES, EventTypes, WireErrorCodes, decodeEvent, encodeEvent, isRequest, isResponse, newId,
  parseReplyAddress, type DeliveryStatus, type McpEnvelope,
} from "./wire.js";

/** Options of the server side. */
export interface DaprServerOptions extends DaprCommonOptions {
  /** The request topic every client publishes to; default `mcp-requests`. */
  topic?: string | undefined;
  /** The route the sidecar delivers requests to; default `/mcp/pubsub/requests`. */
  route?: string | undefined;
  /** The subscription's dead-letter topic, where the sidecar moves dropped events; default `mcp-deadletters`, null for none. */
  deadLetterTopic?: string | null | undefined;
  /** The most sessions open at once; `initialize` beyond it is answered -32012. Default 10,000. */
  maxSessions?: number | undefined;
  /** A session or lane with no message either way for this long, and no request unanswered, ends. Default 30 minutes. */
  sessionIdleTimeoutMs?: number | undefined;
}

/** Connects a new MCP server (for example `new McpServer(...).connect(transport)`) to one session or lane. */
export type ConnectServer = (transport: DaprServerTransport) => Promise<void> | void;

/**
 * The server side of the wire contract: subscribes the request topic on a {@link DaprApp} and gives every session
 * (opened by `initialize`, keyed by `mcpsessionid`) and every sessionless lane (keyed by `source`, `mcpreplyto`
 * and `mcpconnection`) its own {@link DaprServerTransport}, handed to `connect` to serve with its own MCP server.
 * It de-duplicates by CloudEvent id, binds each session to the app-id that opened it, enforces the size limit, sends
 * the transport errors of the contract, and answers the sidecar SUCCESS, RETRY or DROP as the contract says.
 */
export class DaprServerHost {
  readonly appId: string;
  readonly pubsubName: string;
  readonly topic: string;
  readonly maxMessageBytes: number;
  readonly maxSessions: number;
  readonly sessionIdleTimeoutMs: number;
  readonly publisher: DaprPublisher;
  readonly logger: Logger;
  readonly #sessions = new Map<string, DaprServerTransport>();
  readonly #lanes = new Map<string, DaprServerTransport>();
  readonly #seen: DeduplicationWindow;
  readonly #sweeper: NodeJS.Timeout;

  constructor(app: DaprApp, options: DaprServerOptions, private readonly connect: ConnectServer) {
    const common = resolveCommon(options);
    this.appId = common.appId;
    this.pubsubName = common.pubsubName;
    this.maxMessageBytes = common.maxMessageBytes;
    this.logger = common.logger;
    this.topic = options.topic ?? "mcp-requests";
    this.maxSessions = options.maxSessions ?? 10_000;
    this.sessionIdleTimeoutMs = options.sessionIdleTimeoutMs ?? 30 * 60_000;
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1) throw new RangeError("maxSessions must be a positive integer.");
    if (!(this.sessionIdleTimeoutMs > 0)) throw new RangeError("sessionIdleTimeoutMs must be positive.");
    this.publisher = new DaprPublisher(common.daprHttpEndpoint);
    this.#seen = new DeduplicationWindow(common.deduplicationCapacity);
    const deadLetterTopic = options.deadLetterTopic === undefined ? "mcp-deadletters" : options.deadLetterTopic ?? undefined;
    // Events up to four times the limit are still read, so that the sender of an oversized request hears why.
    app.subscribe(
      { pubsubname: this.pubsubName, topic: this.topic, route: options.route ?? "/mcp/pubsub/requests", deadLetterTopic },
      (this.maxMessageBytes + DELIVERY_OVERHEAD_BYTES) * 4,
      (body) => this.#deliver(body));
    const sweepMs = Math.min(30_000, Math.max(50, this.sessionIdleTimeoutMs / 4));
    this.#sweeper = setInterval(() => this.#sweep(), sweepMs).unref();
  }

  /** How many sessions (2025-11-25) are open. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Ends every session and lane. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.all([...this.#sessions.values(), ...this.#lanes.values()].map((t) => t.close()));
  }

  async #deliver(body: Buffer | undefined): Promise<DeliveryStatus> {
    if (body === undefined) {
      this.logger.warn(`asyncmcp-dapr: dropped an event larger than ${(this.maxMessageBytes + DELIVERY_OVERHEAD_BYTES) * 4} bytes, unread.`);
      return "DROP";
    }

    const decoded = decodeEvent(body, this.maxMessageBytes);
    if (!decoded.ok) {
      const partial = decoded.partial;
      this.logger.warn(`asyncmcp-dapr: dropped event ${partial?.id ?? "(no id)"} (${decoded.error}): ${decoded.detail}`);
      if (decoded.error === "too-large" && partial !== undefined && decoded.request !== undefined &&
          parseReplyAddress(partial.replyTo)?.kind === "pubsub") {
        try {
          await this.#sendError(partial, decoded.request.id, WireErrorCodes.messageTooLarge,
            `The request is ${body.length} bytes, larger than the wire limit of ${this.maxMessageBytes} bytes.`);
        } catch (error) {
          this.logger.warn(`asyncmcp-dapr: retrying event ${partial.id}: ${(error as Error).message}`);
          return "RETRY";
        }
      }

      return "DROP";
    }

    const envelope = decoded.envelope;
    const replyTo = parseReplyAddress(envelope.replyTo);
    if (replyTo === undefined && envelope.type === EventTypes.message) {
      this.logger.warn(`asyncmcp-dapr: dropped event ${envelope.id}: it has no mcpreplyto.`);
      return "DROP";
    }

    if (replyTo?.kind === "binding") {
      // Webhook replies need a declared, signed binding; this server declares none, so every such address is refused.
      this.logger.warn(`asyncmcp-dapr: dropped event ${envelope.id} (${WireErrorCodes.replyAddressRefused}): reply address '${envelope.replyTo}' refused; this server replies over pub/sub only.`);
      return "DROP";
    }

    if (envelope.type === EventTypes.sessionClose) {
      const session = this.#sessions.get(envelope.sessionId!);
      if (session !== undefined && session.owner === envelope.source) await session.close();
      return "SUCCESS";
    }

    if (!this.#seen.tryAdd(envelope.id)) return "SUCCESS";
    try {
      const target = await this.#resolve(envelope);
      if (target !== undefined) target.deliver(envelope.message!);
      return "SUCCESS";
    } catch (error) {
      // Not handed over: the redelivery must be processed.
      this.#seen.forget(envelope.id);
      this.logger.warn(`asyncmcp-dapr: retrying event ${envelope.id}: ${(error as Error).message}`);
      return "RETRY";
    }
  }

  async #resolve(envelope: McpEnvelope): Promise<DaprServerTransport | undefined> {
    const message = envelope.message!;
    if (envelope.sessionId !== undefined) {
      const session = this.#sessions.get(envelope.sessionId);
      const refusal = session === undefined
        ? { code: WireErrorCodes.sessionNotFound, text: `Session '${envelope.sessionId}' does not exist, was closed or has expired. Initialize a new session.` }
        : session.owner !== envelope.source
          ? { code: WireErrorCodes.sessionForbidden, text: `Session '${envelope.sessionId}' belongs to another app.` }
          : undefined;
      if (refusal === undefined) return session;
      this.logger.warn(`asyncmcp-dapr: event ${envelope.id} refused (${refusal.code}): ${refusal.text}`);
      // Only a request waits for an answer; notifications and responses are logged and dropped.
      if (isRequest(message)) await this.#sendError(envelope, message.id, refusal.code, refusal.text);
      return undefined;
    }

    if (isRequest(message) && message.method === "initialize") {
      if (this.#sessions.size >= this.maxSessions) {
        const text = `The server has reached its limit of ${this.maxSessions} open sessions. Try again later.`;
        this.logger.warn(`asyncmcp-dapr: event ${envelope.id} refused (${WireErrorCodes.tooManySessions}): ${text}`);
        await this.#sendError(envelope, message.id, WireErrorCodes.tooManySessions, text);
        return undefined;
      }

      const sessionId = randomBytes(16).toString("hex");
      return this.#start(this.#sessions, sessionId, sessionId, envelope);
    }

    const laneKey = `${envelope.source}|${envelope.replyTo}|${envelope.connection ?? ""}`;
    return this.#lanes.get(laneKey) ?? this.#start(this.#lanes, laneKey, undefined, envelope);
  }

  async #start(registry: Map<string, DaprServerTransport>, key: string, sessionId: string | undefined, envelope: McpEnvelope) {
    const transport = new DaprServerTransport(this, sessionId, envelope.source, envelope.replyTo!, envelope.connection);
    registry.set(key, transport);
    transport.ended = () => {
      if (registry.get(key) === transport) registry.delete(key);
    };
    try {
      await this.connect(transport);
    } catch (error) {
      registry.delete(key);
      throw error;
    }

    return transport;
  }

  #sweep(): void {
    const now = Date.now();
    for (const transport of [...this.#sessions.values(), ...this.#lanes.values()]) {
      if (transport.isIdle(now, this.sessionIdleTimeoutMs)) void transport.close();
    }
  }

  /** Publishes a transport error for a request to the request's own reply address. */
  async #sendError(envelope: McpEnvelope, id: string | number, code: number, message: string): Promise<void> {
    const address = parseReplyAddress(envelope.replyTo);
    if (address?.kind !== "pubsub") return;
    const bytes = encodeEvent({
      id: newId(),
      source: this.appId,
      type: EventTypes.message,
      sessionId: envelope.sessionId,
      connection: envelope.connection,
      traceParent: envelope.traceParent,
      message: { jsonrpc: "2.0", id, error: { code, message } },
    });
    await this.publisher.publish(address.component, address.topic, bytes, envelope.traceParent);
  }
}

/**
 * The MCP SDK {@link Transport} of one session or sessionless lane, created by {@link DaprServerHost}: messages
 * arrive through the host's subscription; everything the server sends goes, one message at a time in order, to the
 * reply address the session was opened with, carrying the session id and the client's connection id.
 */
export class DaprServerTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T) => void) | undefined;
  /** @internal */
  ended?: (() => void) | undefined;
  readonly #pending = new Set<string | number>();
  readonly #pubsub: string;
  readonly #topic: string;
  #lastActivity = Date.now();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  /** @internal */
  constructor(
    private readonly host: DaprServerHost,
    /** The session id; undefined for a sessionless (2026-07-28) lane. */
    readonly sessionId: string | undefined,
    /** The app-id that opened the session; only it may use the session. */
    readonly owner: string,
    /** Where everything for the client goes. */
    readonly replyTo: string,
    /** The client's connection id, echoed on every message. */
    readonly connection: string | undefined,
  ) {
    const address = parseReplyAddress(replyTo);
    if (address?.kind !== "pubsub") throw new RangeError(`'${replyTo}' is not a pub/sub reply address.`);
    this.#pubsub = address.component;
    this.#topic = address.topic;
  }

  async start(): Promise<void> {}

  send(message: JSONRPCMessage): Promise<void> {
    // One message at a time, in order, so that on an ordered topic progress arrives before its result.
    const sent = this.#queue.then(() => this.#send(message));
    this.#queue = sent.catch(() => {});
    return sent;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.ended?.();
    this.onclose?.();
  }

  /** @internal Whether the transport has been silent for longer than `timeoutMs` with no request unanswered. */
  isIdle(now: number, timeoutMs: number): boolean {
    return this.#pending.size === 0 && now - this.#lastActivity > timeoutMs;
  }

  /** @internal Hands a delivered message to the MCP server. */
  deliver(message: JSONRPCMessage): void {
    if (this.#closed) throw new Error("The session has ended.");
    this.#lastActivity = Date.now();
    if (isRequest(message)) this.#pending.add(message.id);
    // A cancelled request gets no response: it no longer keeps the session from expiring.
    else if ("method" in message && message.method === "notifications/cancelled") this.#pending.delete(message.params?.requestId as string | number);
    this.onmessage?.(message);
  }

  async #send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error("The session has ended.");
    this.#lastActivity = Date.now();
    const host = this.host;
    const envelope: McpEnvelope = {
      id: newId(),
      source: host.appId,
      type: EventTypes.message,
      sessionId: this.sessionId,
      connection: this.connection,
      message,
    };
    let bytes = encodeEvent(envelope);
    if (bytes.length > host.maxMessageBytes) {
      if (isResponse(message)) {
        // The caller is told instead of being left waiting.
        const text = `The result is ${bytes.length} bytes, larger than the wire limit of ${host.maxMessageBytes} bytes.`;
        host.logger.warn(`asyncmcp-dapr: response ${message.id} replaced by error ${WireErrorCodes.messageTooLarge}: ${text}`);
        bytes = encodeEvent({ ...envelope, message: { jsonrpc: "2.0", id: message.id, error: { code: WireErrorCodes.messageTooLarge, message: text } } });
      } else if (isRequest(message)) {
        throw new Error(`The request is ${bytes.length} bytes, larger than the wire limit of ${host.maxMessageBytes} bytes.`);
      } else {
        host.logger.warn(`asyncmcp-dapr: dropped a ${bytes.length}-byte notification over the wire limit of ${host.maxMessageBytes} bytes.`);
        return;
      }
    }

    await host.publisher.publish(this.#pubsub, this.#topic, bytes);
    if (isResponse(message)) this.#pending.delete(message.id);
  }
}
