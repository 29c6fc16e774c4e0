// A TypeScript MCP server on Dapr pub/sub. Run it with its sidecar (from this folder, after npm ci && npm run build):
//   dapr run --app-id ts-server --app-port 5300 --resources-path ../../../components/local -- node examples/server.mjs
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DaprApp, DaprServerHost } from "asyncmcp-dapr";
import { z } from "zod";

const app = new DaprApp();
// Requests arrive on the topic ts-requests; appId comes from APP_ID, which dapr run sets.
const host = new DaprServerHost(app, { topic: process.env.SERVER_TOPIC ?? "ts-requests" }, async (transport) => {
  // One McpServer per session, as with the SDK's other session-based transports.
  const server = new McpServer({ name: "ts-server", version: "1.0.0" });
  server.registerTool("echo", { description: "Returns the text it is given.", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text }] }));
  server.registerTool("countdown", { description: "Counts down, reporting progress.", inputSchema: { from: z.number().int().min(1).max(100) } },
    async ({ from }, extra) => {
      for (let i = from; i > 0; i--) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (extra._meta?.progressToken !== undefined) {
          await extra.sendNotification({ method: "notifications/progress", params: { progressToken: extra._meta.progressToken, progress: from - i + 1, total: from } });
        }
      }
      return { content: [{ type: "text", text: "liftoff" }] };
    });
  await server.connect(transport);
});

const port = await app.listen(Number(process.env.APP_PORT ?? 5300));
console.log(`ts-server: subscribed to ${host.topic} on ${host.pubsubName}, listening on port ${port}`);
