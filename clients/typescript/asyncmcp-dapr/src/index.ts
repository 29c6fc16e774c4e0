export { DaprApp, type DeliveryHandler, type Subscription } from "./app.js";
export { DaprClientTransport, DaprReplyRouter, type DaprClientOptions } from "./client.js";
export { DeduplicationWindow } from "./dedup.js";
export type { DaprCommonOptions, Logger } from "./options.js";
export { DaprPublishError, DaprPublisher, daprHttpEndpoint } from "./publisher.js";
export { DaprServerHost, DaprServerTransport, type ConnectServer, type DaprServerOptions } from "./server.js";
export {
  Attributes, CLOUD_EVENT_CONTENT_TYPE, DEFAULT_MAX_MESSAGE_BYTES, DELIVERY_OVERHEAD_BYTES, EventTypes, WireErrorCodes,
  decodeEvent, encodeEvent, newConnectionId, newId, parseReplyAddress, pubSubAddress,
  type DecodeResult, type DeliveryStatus, type McpEnvelope, type ReplyAddress, type WireError,
} from "./wire.js";
