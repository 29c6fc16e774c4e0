// Drives the proxy with the official TypeScript MCP SDK client; run by ProxyTypeScriptClientTests.
// Usage: node proxy-client.mjs http://127.0.0.1:PORT/mcp   (exit code 0 when every step worked)
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const url = new URL(process.argv[2]);
const client = new Client(
  { name: "ts-sdk-through-proxy", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {} } },
);
client.setRequestHandler(CreateMessageRequestSchema, async () => ({
  model: "ts-model",
  role: "assistant",
  content: { type: "text", text: "a summary from typescript" },
}));
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { confirm: true } }));
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => { logs.push(notification.params.data); });

const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
const sessionId = transport.sessionId;
assert.ok(sessionId, "the proxy gave a session id");
console.log(`ok initialize: protocol ${transport.protocolVersion}, server ${client.getServerVersion()?.name}, session ${sessionId}`);

const text = (result) => result.content.filter((block) => block.type === "text").map((block) => block.text).join("");

const tools = await client.listTools();
assert.ok(tools.tools.some((tool) => tool.name === "echo"));
console.log(`ok tools/list: ${tools.tools.map((tool) => tool.name).join(", ")}`);

assert.equal(text(await client.callTool({ name: "echo", arguments: { text: "hello from typescript" } })), "hello from typescript");
console.log("ok tools/call echo");

const progress = [];
const job = await client.callTool({ name: "slow_job", arguments: { steps: 3 } }, undefined, {
  onprogress: (value) => progress.push(value.progress),
});
assert.equal(text(job), "job done after 3 steps");
// A broker may deliver the result before the last progress report; what arrives must be in order and in range.
assert.ok(progress.length > 0 && progress.every((value, i) => value >= 1 && value <= 3 && (i === 0 || value > progress[i - 1])), `progress: ${progress}`);
console.log(`ok progress: ${progress.join(",")}`);
// Logging notifications are messages of their own too; the client's handler sees the last one even after the result.
for (const deadline = Date.now() + 30_000; !logs.some((data) => String(data).includes("finished step 3 of 3")) && Date.now() < deadline;) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
assert.ok(logs.some((data) => String(data).includes("finished step 3 of 3")), `logging notifications arrived: ${JSON.stringify(logs)}`);
console.log(`ok logging: ${logs.length} notifications`);

assert.equal(text(await client.callTool({ name: "summarize", arguments: { text: "MCP" } })), "summary from ts-model: a summary from typescript");
console.log("ok sampling answered by the typescript client");
assert.equal(text(await client.callTool({ name: "confirm_action", arguments: { action: "deploy" } })), "confirmed: deploy");
console.log("ok elicitation answered by the typescript client");

const status = await client.readResource({ uri: "status://server" });
assert.match(status.contents[0].text, /sample server/);
const templates = await client.listResourceTemplates();
assert.ok(templates.resourceTemplates.some((template) => template.uriTemplate === "jobs://{id}"));
console.log("ok resources");

const prompts = await client.listPrompts();
assert.ok(prompts.prompts.some((prompt) => prompt.name === "review_code"));
const prompt = await client.getPrompt({ name: "review_code", arguments: { code: "x = 1" } });
assert.match(prompt.messages[0].content.text, /x = 1/);
console.log("ok prompts");

const completion = await client.complete({ ref: { type: "ref/prompt", name: "review_code" }, argument: { name: "language", value: "py" } });
assert.deepEqual(completion.completion.values, ["python"]);
console.log("ok completion");

await transport.terminateSession();
const after = await fetch(url, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-session-id": sessionId,
    "mcp-protocol-version": transport.protocolVersion,
  },
  body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "tools/list" }),
});
assert.equal(after.status, 404, "the ended session is gone");
console.log("ok session ended with DELETE");
await client.close();
console.log("ALL OK");
