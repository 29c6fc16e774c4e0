import { CLOUD_EVENT_CONTENT_TYPE } from "./wire.js";

/** Where the Dapr sidecar's HTTP API is: an explicit URL, else `DAPR_HTTP_ENDPOINT`, else `DAPR_HTTP_PORT` on loopback. */
export function daprHttpEndpoint(explicit?: string): string {
  const endpoint = explicit ?? process.env.DAPR_HTTP_ENDPOINT ?? `http://127.0.0.1:${process.env.DAPR_HTTP_PORT ?? "3500"}`;
  return endpoint.replace(/\/+$/, "");
}

/** The sidecar refused or failed a publish call. */
export class DaprPublishError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "DaprPublishError";
  }
}

/**
 * Publishes whole CloudEvents through the sidecar's HTTP publish API (`POST /v1.0/publish/{pubsub}/{topic}` with
 * content type `application/cloudevents+json`), so that the sidecar keeps the event's id and extension attributes.
 */
export class DaprPublisher {
  readonly endpoint: string;

  constructor(endpoint?: string, private readonly fetchImpl: typeof fetch = fetch) {
    this.endpoint = daprHttpEndpoint(endpoint);
  }

  /**
   * Resolves once the sidecar reports itself healthy (`GET /v1.0/healthz` answers 204), which daprd does when it has
   * finished starting, after it found the app listening: a client that publishes earlier may get its reply before
   * the sidecar subscribed the reply topic.
   */
  async waitForSidecar(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await this.fetchImpl(`${this.endpoint}/v1.0/healthz`);
        await response.body?.cancel();
        if (response.status === 204) return;
      } catch {
        // Not up yet.
      }

      if (Date.now() > deadline) throw new DaprPublishError(`The Dapr sidecar at ${this.endpoint} was not healthy within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async publish(pubsubName: string, topic: string, cloudEvent: Uint8Array, traceParent?: string): Promise<void> {
    const url = `${this.endpoint}/v1.0/publish/${encodeURIComponent(pubsubName)}/${encodeURIComponent(topic)}`;
    const headers: Record<string, string> = { "content-type": CLOUD_EVENT_CONTENT_TYPE };
    // daprd replaces the event's traceparent with the publish call's: sending it here keeps the trace connected.
    if (traceParent !== undefined) headers.traceparent = traceParent;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: "POST", headers, body: cloudEvent });
    } catch (error) {
      throw new DaprPublishError(`The Dapr sidecar at ${this.endpoint} could not be reached: ${(error as Error).message}`);
    }

    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new DaprPublishError(`Publishing to ${pubsubName}/${topic} failed with HTTP ${response.status}: ${text}`, response.status);
    }

    await response.body?.cancel();
  }
}
