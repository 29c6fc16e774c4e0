// A TypeScript MCP client on Dapr pub/sub. Run it with its sidecar (from this folder, after npm ci && npm run build):
//   dapr run --app-id ts-client --app-port 5400 --resources-path ../../../components/local -- node examples/client.mjs
// SERVER_TOPIC picks the server: ts-requests (examples/server.mjs, the default) or mcp-requests (the C# sample server).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { DaprApp, DaprReplyRouter } from "asyncmcp-dapr";

const app = new DaprApp();
const router = new DaprReplyRouter(app, { serverTopic: process.env.SERVER_TOPIC ?? "ts-requests" });
await app.listen(Number(process.env.APP_PORT ?? 5400));
await router.publisher.waitForSidecar();     // the sidecar has read the reply subscription

const client = new Client({ name: "ts-client", version: "1.0.0" });
const transport = router.createTransport();
await client.connect(transport);
console.log(`connected to ${client.getServerVersion()?.name}, session ${transport.sessionId}`);

const { tools } = await client.listTools();
console.log("tools:", tools.map((t) => t.name).join(", "));
const echo = await client.callTool({ name: "echo", arguments: { text: "hello over Dapr" } });
console.log("echo:", echo.content[0].text);

await client.close();                        // ends the session on the server
await app.close();
