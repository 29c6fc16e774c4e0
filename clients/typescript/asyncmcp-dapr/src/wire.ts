import { randomBytes } from "node:crypto";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** The CloudEvent content type every event is published with (structured JSON mode). */
export const CLOUD_EVENT_CONTENT_TYPE = "application/cloudevents+json";

/** CloudEvent types of the wire contract (docs/protocol.md §2). */
export const EventTypes = {
  /** `data` holds one JSON-RPC 2.0 message. */
  message: "io.asyncmcp.jsonrpc.v1",
  /** The client ends its session; no `data`. */
  sessionClose: "io.asyncmcp.session.close.v1",
} as const;

/** CloudEvent extension attributes of the wire contract. */
export const Attributes = {
  sessionId: "mcpsessionid",
  replyTo: "mcpreplyto",
  connection: "mcpconnection",
  traceParent: "traceparent",
} as const;

/** JSON-RPC error codes the transport itself sends (docs/protocol.md §5). */
export const WireErrorCodes = {
  sessionNotFound: -32001,
  messageTooLarge: -32010,
  sessionForbidden: -32011,
  tooManySessions: -32012,
  replyAddressRefused: -32013,
  replyTimedOut: -32014,
  requestInterrupted: -32015,
} as const;

/** Room for the attributes the sidecar adds on delivery (topic, pubsubname, trace ids). */
export const DELIVERY_OVERHEAD_BYTES = 2 * 1024;

/** The default limit of one encoded CloudEvent: 254 KiB, so that a delivered event fits an SQS or SNS message. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 - DELIVERY_OVERHEAD_BYTES;

/** The smallest and largest limits the contract allows. */
export const MIN_MAX_MESSAGE_BYTES = 4 * 1024;
export const MAX_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** What a subscription endpoint answers the sidecar. */
export type DeliveryStatus = "SUCCESS" | "RETRY" | "DROP";

/** One message of the wire contract: the CloudEvent attributes this package reads and writes, and its JSON-RPC message. */
export interface McpEnvelope {
  id: string;
  source: string;
  type: string;
  sessionId?: string | undefined;
  replyTo?: string | undefined;
  connection?: string | undefined;
  traceParent?: string | undefined;
  /** The topic the sidecar delivered the event from (set by daprd on delivery). */
  topic?: string | undefined;
  message?: JSONRPCMessage | undefined;
}

/** A parsed `mcpreplyto` address. */
export type ReplyAddress =
  | { kind: "pubsub"; component: string; topic: string }
  | { kind: "binding"; component: string; path: string };

const COMPONENT = /^[a-z0-9.-]{1,253}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,256}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** Parses a reply address by the rules of docs/protocol.md §2; undefined when it breaks any of them. */
export function parseReplyAddress(value: string | undefined): ReplyAddress | undefined {
  if (value === undefined) return undefined;
  const match = /^(pubsub|binding):\/\/([^/]*)\/(.*)$/s.exec(value);
  if (!match) return undefined;
  const [, scheme, component, rest] = match as unknown as [string, string, string, string];
  if (!COMPONENT.test(component)) return undefined;
  if (scheme === "pubsub") {
    return TOPIC.test(rest) ? { kind: "pubsub", component, topic: rest } : undefined;
  }

  if (rest.length === 0 || rest.length > 512) return undefined;
  const segments = rest.split("/");
  const valid = segments.every((s) => s !== "." && s !== ".." && PATH_SEGMENT.test(s));
  return valid ? { kind: "binding", component, path: rest } : undefined;
}

/** Formats a pub/sub reply address, refusing names Dapr or the contract would not accept. */
export function pubSubAddress(component: string, topic: string): string {
  if (!COMPONENT.test(component)) throw new RangeError(`'${component}' is not a valid Dapr component name.`);
  if (!TOPIC.test(topic)) throw new RangeError(`'${topic}' is not a valid topic name (letters, digits, '-', '_', '.').`);
  return `pubsub://${component}/${topic}`;
}

/** A new CloudEvent id: 128 random bits as 32 lower-case hex digits, as the .NET library writes them. */
export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** A new connection id: 96 random bits as 24 hex digits. */
export function newConnectionId(): string {
  return randomBytes(12).toString("hex");
}

/** Encodes an envelope as the UTF-8 bytes of a structured-mode CloudEvent 1.0. */
export function encodeEvent(envelope: McpEnvelope): Buffer {
  const event: Record<string, unknown> = {
    specversion: "1.0",
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    time: new Date().toISOString(),
  };
  if (envelope.sessionId !== undefined) event[Attributes.sessionId] = envelope.sessionId;
  if (envelope.replyTo !== undefined) event[Attributes.replyTo] = envelope.replyTo;
  if (envelope.connection !== undefined) event[Attributes.connection] = envelope.connection;
  if (envelope.traceParent !== undefined) event[Attributes.traceParent] = envelope.traceParent;
  if (envelope.message !== undefined) {
    event.datacontenttype = "application/json";
    event.data = envelope.message;
  }

  return Buffer.from(JSON.stringify(event), "utf8");
}

/** Why an incoming event cannot be processed. */
export type WireError = "malformed-cloud-event" | "unknown-type" | "missing-attribute" | "malformed-json-rpc" | "too-large";

/** The outcome of decoding one delivered event. */
export type DecodeResult =
  | { ok: true; envelope: McpEnvelope }
  | {
      ok: false;
      error: WireError;
      detail: string;
      /** As much of the event as could be read (never its message), so that an error can still be answered. */
      partial?: McpEnvelope | undefined;
      /** The JSON-RPC `id` and `method` of an oversized request, read so that its sender can be told. */
      request?: { id: string | number; method: string } | undefined;
    };

/**
 * Decodes a delivered structured-mode CloudEvent; never throws for bad input. The rules are those of the .NET
 * library's codec: specversion 1.0, id, source and type present; string attributes; a valid `mcpreplyto` when one is
 * given; a session close carries `mcpsessionid`; a message carries a JSON object in `data` that is a JSON-RPC message.
 */
export function decodeEvent(body: Uint8Array, maxMessageBytes: number): DecodeResult {
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch (error) {
    return { ok: false, error: "malformed-cloud-event", detail: `The event is not valid JSON: ${(error as Error).message}` };
  }

  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return { ok: false, error: "malformed-cloud-event", detail: "The event is not a JSON object." };
  }

  const record = event as Record<string, unknown>;
  const read = (name: string): string | undefined | Error => {
    const value = record[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : new Error(`The attribute '${name}' must be a string.`);
  };
  const names = ["specversion", "id", "source", "type", "datacontenttype", Attributes.sessionId, Attributes.replyTo,
    Attributes.connection, Attributes.traceParent, "topic"] as const;
  const values: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = read(name);
    if (value instanceof Error) return { ok: false, error: "malformed-cloud-event", detail: value.message };
    values[name] = value;
  }

  const detail = values.specversion !== "1.0" ? `The specversion is '${values.specversion}'; only 1.0 is understood.`
    : !values.id ? "The event has no id."
    : !values.source ? "The event has no source."
    : !values.type ? "The event has no type."
    : "data" in record && "data_base64" in record ? "The event has both data and data_base64."
    : undefined;
  if (detail !== undefined) return { ok: false, error: "malformed-cloud-event", detail };

  const partial: McpEnvelope = {
    id: values.id!,
    source: values.source!,
    type: values.type!,
    sessionId: values[Attributes.sessionId],
    replyTo: values[Attributes.replyTo],
    connection: values[Attributes.connection],
    traceParent: values[Attributes.traceParent],
    topic: values.topic,
  };

  if (body.byteLength > maxMessageBytes + DELIVERY_OVERHEAD_BYTES) {
    const data = record.data as Record<string, unknown> | undefined;
    const request = data && typeof data === "object" && typeof data.method === "string" &&
      (typeof data.id === "string" || typeof data.id === "number")
      ? { id: data.id, method: data.method }
      : undefined;
    return { ok: false, error: "too-large", detail: `The event is ${body.byteLength} bytes; the limit is ${maxMessageBytes}.`, partial, request };
  }

  if (partial.replyTo !== undefined && parseReplyAddress(partial.replyTo) === undefined) {
    return { ok: false, error: "missing-attribute", detail: `'${partial.replyTo}' is not a valid ${Attributes.replyTo}.`, partial };
  }

  if (partial.type === EventTypes.sessionClose) {
    return partial.sessionId === undefined
      ? { ok: false, error: "missing-attribute", detail: `A session close event needs ${Attributes.sessionId}.`, partial }
      : { ok: true, envelope: partial };
  }

  if (partial.type !== EventTypes.message) {
    return { ok: false, error: "unknown-type", detail: `Unknown event type '${partial.type}'.`, partial };
  }

  const data = record.data;
  if (typeof data !== "object" || data === null || Array.isArray(data) || !isJson(values.datacontenttype)) {
    return { ok: false, error: "malformed-json-rpc", detail: "The event data is not a JSON object.", partial };
  }

  const parsed = JSONRPCMessageSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, error: "malformed-json-rpc", detail: "The event data is not a JSON-RPC message.", partial };
  }

  // The message as sent, not as the schema rebuilt it: unknown fields (for example in params) pass through unchanged.
  return { ok: true, envelope: { ...partial, message: data as JSONRPCMessage } };
}

// CloudEvents JSON format: data is JSON when datacontenttype is absent or names a JSON media type.
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || mediaType === "text/json" || mediaType.endsWith("+json");
}

/** Whether a JSON-RPC message is a request (has a method and an id). */
export function isRequest(message: JSONRPCMessage | undefined): message is JSONRPCMessage & { id: string | number; method: string } {
  return message !== undefined && "method" in message && "id" in message;
}

/** Whether a JSON-RPC message is a response or an error (has an id and no method). */
export function isResponse(message: JSONRPCMessage | undefined): message is JSONRPCMessage & { id: string | number } {
  return message !== undefined && !("method" in message) && "id" in message;
}
