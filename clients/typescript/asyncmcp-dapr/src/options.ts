import { DEFAULT_MAX_MESSAGE_BYTES, MAX_MAX_MESSAGE_BYTES, MIN_MAX_MESSAGE_BYTES } from "./wire.js";

/** Options both sides share. */
export interface DaprCommonOptions {
  /** This app's Dapr app-id, written as the CloudEvent `source`; defaults to `APP_ID`, which `dapr run` sets. */
  appId?: string | undefined;
  /** The pub/sub component; default `pubsub`. */
  pubsubName?: string | undefined;
  /** The limit of one encoded CloudEvent in bytes; default 254 KiB (260,096), allowed 4 KiB to 16 MiB. */
  maxMessageBytes?: number | undefined;
  /** How many recent CloudEvent ids are remembered to drop duplicates; default 10,000. */
  deduplicationCapacity?: number | undefined;
  /** The sidecar's HTTP API; defaults to `DAPR_HTTP_ENDPOINT`, then `http://127.0.0.1:$DAPR_HTTP_PORT` (3500). */
  daprHttpEndpoint?: string | undefined;
  /** Where the transport reports what it drops or retries; default `console`. */
  logger?: Logger | undefined;
}

/** The few console methods the transports log with. */
export type Logger = Pick<Console, "info" | "warn" | "error">;

export function resolveCommon(options: DaprCommonOptions): Required<Omit<DaprCommonOptions, "daprHttpEndpoint">> & { daprHttpEndpoint?: string | undefined } {
  const appId = options.appId ?? process.env.APP_ID;
  if (!appId) throw new RangeError("An app-id is needed: set appId in the options, or APP_ID (dapr run sets it).");
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < MIN_MAX_MESSAGE_BYTES || maxMessageBytes > MAX_MAX_MESSAGE_BYTES) {
    throw new RangeError(`maxMessageBytes must be an integer from ${MIN_MAX_MESSAGE_BYTES} to ${MAX_MAX_MESSAGE_BYTES}.`);
  }

  return {
    appId,
    pubsubName: options.pubsubName ?? "pubsub",
    maxMessageBytes,
    deduplicationCapacity: options.deduplicationCapacity ?? 10_000,
    daprHttpEndpoint: options.daprHttpEndpoint,
    logger: options.logger ?? console,
  };
}
