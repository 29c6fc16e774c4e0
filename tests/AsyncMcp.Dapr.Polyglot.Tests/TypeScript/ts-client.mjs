// A TypeScript MCP client on the asyncmcp-dapr transport, calling an AsyncMcp.Dapr server through a Dapr sidecar.
// The sidecar is DAPR_HTTP_ENDPOINT; the test attaches the printed port to it and then writes "go".
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CreateMessageRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { DaprApp, DaprReplyRouter } from "asyncmcp-dapr";
import { report, waitForLine } from "./lines.mjs";

const app = new DaprApp();
const router = new DaprReplyRouter(app, { appId: process.env.APP_ID ?? "ts-client", serverTopic: "mcp-requests" });
const port = await app.listen(0);
report("listening", { port });
await waitForLine("go");

const client = new Client({ name: "ts-client", version: "1.0.0" }, { capabilities: { sampling: {} } });
// The server's sampling requests come back over the reply topic; the answer goes to the server topic.
client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
  role: "assistant",
  model: "ts-model",
  content: { type: "text", text: `${request.params.messages.length} message(s) summarized in TypeScript` },
}));
const transport = router.createTransport();
await client.connect(transport);
report("initialized", {
  protocolVersion: transport.protocolVersion,
  sessionId: transport.sessionId,
  connection: transport.connection,
  server: client.getServerVersion(),
});

const tools = await client.listTools();
report("tools", { names: tools.tools.map((t) => t.name) });

const echo = await client.callTool({ name: "echo", arguments: { text: "hello from TypeScript" } });
report("echo", { text: echo.content[0]?.text });

const summary = await client.callTool({ name: "summarize", arguments: { text: "a long text" } });
report("sampling", { text: summary.content[0]?.text });

const progress = [];
// 100 ms a step: the broker does not keep order, but progress 1 and 2 go out well before the result.
const slow = await client.callTool({ name: "slow_job", arguments: { steps: 3, stepMilliseconds: 100 } }, undefined, {
  onprogress: (p) => progress.push(p),
});
report("slow_job", { text: slow.content[0]?.text, progress });

try {
  await client.callTool({ name: "no_such_tool", arguments: {} });
  report("error", { thrown: false });
} catch (error) {
  report("error", { thrown: true, code: error instanceof McpError ? error.code : null, message: error.message });
}

// Cancellation: abort a long job once it has reported progress; the SDK sends notifications/cancelled.
const abort = new AbortController();
const cancelled = client.callTool({ name: "slow_job", arguments: { steps: 500 } }, undefined, {
  signal: abort.signal,
  onprogress: () => abort.abort("enough"),
}).then(() => ({ rejected: false }), (error) => ({ rejected: true, message: String(error?.message ?? error) }));
report("cancelled", await cancelled);

const after = await client.callTool({ name: "echo", arguments: { text: "still here" } });
report("after-cancel", { text: after.content[0]?.text });

await client.close();
report("closed", { sessionId: transport.sessionId });
await app.close();
process.exit(0); // stdin stays open for the test; nothing else is pending

