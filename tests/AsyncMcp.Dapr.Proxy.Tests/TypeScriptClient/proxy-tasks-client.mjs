// Drives MCP tasks (2025-11-25, experimental) through the proxy with the official TypeScript MCP SDK client and its
// client.experimental.tasks API; run by TaskProxyTests.
// Usage: node proxy-tasks-client.mjs http://127.0.0.1:PORT/mcp   (exit code 0 when every step worked)
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";

const url = new URL(process.argv[2]);
const client = new Client({ name: "ts-sdk-tasks-through-proxy", version: "1.0.0" }, { capabilities: {} });
const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
const capabilities = client.getServerCapabilities();
assert.ok(capabilities?.tasks?.requests?.tools?.call, `the server declares task-augmented tools/call: ${JSON.stringify(capabilities)}`);
console.log(`ok initialize: protocol ${transport.protocolVersion}, tasks capability ${JSON.stringify(capabilities.tasks)}`);

const tools = await client.listTools();
const slow = tools.tools.find((tool) => tool.name === "slow_job");
assert.equal(slow?.execution?.taskSupport, "optional");
console.log("ok tools/list: slow_job execution.taskSupport optional");

const text = (result) => result.content.filter((block) => block.type === "text").map((block) => block.text).join("");

// Create, poll and get the result, all through the SDK's task stream.
const seen = [];
let taskId;
let result;
for await (const message of client.experimental.tasks.callToolStream(
  { name: "slow_job", arguments: { steps: 3 } }, undefined, { task: { ttl: 60000 } })) {
  seen.push(message.type === "taskStatus" ? `status:${message.task.status}` : message.type);
  if (message.type === "taskCreated") {
    taskId = message.task.taskId;
    assert.equal(message.task.status, "working");
  } else if (message.type === "result") {
    result = message.result;
  } else if (message.type === "error") {
    throw message.error;
  }
}
assert.ok(taskId, `a task was created: ${seen.join(" ")}`);
assert.equal(text(result), "job done after 3 steps");
assert.equal(result._meta?.["io.modelcontextprotocol/related-task"]?.taskId, taskId);
console.log(`ok task created, polled and its result read: ${seen.join(" ")}`);

const got = await client.experimental.tasks.getTask(taskId);
assert.equal(got.status, "completed");
assert.equal(text(await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)), "job done after 3 steps");
console.log("ok tasks/get and tasks/result of the ended task");

const listed = await client.experimental.tasks.listTasks();
assert.ok(listed.tasks.some((task) => task.taskId === taskId), `tasks/list shows the task: ${JSON.stringify(listed)}`);
console.log(`ok tasks/list: ${listed.tasks.length} task(s)`);

// Another task, cancelled while it runs.
let longId;
const stream = client.experimental.tasks.callToolStream({ name: "slow_job", arguments: { steps: 1000 } }, undefined, { task: { ttl: 60000 } });
for await (const message of stream) {
  if (message.type === "taskCreated") {
    longId = message.task.taskId;
    break;
  }
}
assert.ok(longId);
const cancelled = await client.experimental.tasks.cancelTask(longId);
assert.equal(cancelled.status, "cancelled");
assert.equal((await client.experimental.tasks.getTask(longId)).status, "cancelled");
console.log("ok tasks/cancel of a running task");

await assert.rejects(client.experimental.tasks.cancelTask(taskId), (error) => error.code === -32602);
console.log("ok tasks/cancel of an ended task is invalid params");
await assert.rejects(client.experimental.tasks.getTask("no-such-task"), (error) => error.code === -32602);
console.log("ok tasks/get of an unknown task is invalid params");

await client.close();
console.log("ALL OK");
