// A TypeScript MCP server on the asyncmcp-dapr transport, serving requests that arrive over Dapr pub/sub.
// The sidecar is DAPR_HTTP_ENDPOINT; the test attaches the printed port to it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DaprApp, DaprServerHost } from "asyncmcp-dapr";
import { z } from "zod";
import { report } from "./lines.mjs";

let calls = 0;
const app = new DaprApp();
const host = new DaprServerHost(app, {
  appId: process.env.APP_ID ?? "ts-server",
  topic: process.env.SERVER_TOPIC ?? "ts-requests",
  maxSessions: Number(process.env.MAX_SESSIONS ?? 10_000),
  maxMessageBytes: Number(process.env.MAX_MESSAGE_BYTES ?? 260_096),
}, async (transport) => {
  const server = new McpServer({ name: "ts-server", version: "1.0.0" });
  server.registerTool("echo", { description: "Returns the text it is given.", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text }] }));
  server.registerTool("count", { description: "Counts its calls across all sessions." },
    async () => ({ content: [{ type: "text", text: String(++calls) }] }));
  server.registerTool("slow_job", { description: "Reports progress per step; stops when cancelled.", inputSchema: { steps: z.number().int() } },
    async ({ steps }, extra) => {
      // Each step reports, then works: the broker does not keep order, so the result follows the last report by a step.
      for (let step = 1; step <= steps; step++) {
        if (extra._meta?.progressToken !== undefined) {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken: extra._meta.progressToken, progress: step, total: steps, message: `step ${step} of ${steps}` },
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (extra.signal.aborted) {
          report("cancelled", { requestId: extra.requestId, step });
          throw new Error("cancelled");
        }
      }
      return { content: [{ type: "text", text: `job done after ${steps} steps` }] };
    });
  server.registerTool("fail", { description: "Always fails." }, async () => {
    throw new Error("the tool failed on purpose");
  });
  server.registerTool("big", { description: "Returns a result of the given size.", inputSchema: { bytes: z.number().int() } },
    async ({ bytes }) => ({ content: [{ type: "text", text: "x".repeat(bytes) }] }));
  server.registerTool("summarize", { description: "Asks the client's model (sampling).", inputSchema: { text: z.string() } },
    async ({ text }) => {
      const result = await server.server.createMessage({
        messages: [{ role: "user", content: { type: "text", text: `Summarize: ${text}` } }],
        maxTokens: 100,
      });
      return { content: [{ type: "text", text: `summary from ${result.model}: ${result.content.text}` }] };
    });
  server.registerTool("confirm_action", { description: "Asks the user (elicitation).", inputSchema: { action: z.string() } },
    async ({ action }) => {
      const result = await server.server.elicitInput({
        message: `Do you want to ${action}?`,
        requestedSchema: { type: "object", properties: { confirm: { type: "boolean" } }, required: ["confirm"] },
      });
      return { content: [{ type: "text", text: `${result.action}: ${JSON.stringify(result.content ?? {})}` }] };
    });
  await server.connect(transport);
  report("session", { sessionId: transport.sessionId ?? null, owner: transport.owner });
});

const port = await app.listen(0);
report("listening", { port, subscriptions: app.subscriptions });
process.on("SIGTERM", async () => {
  await host.close();
  await app.close();
  process.exit(0);
});
