// One JSON object per stdout line: what the .NET test reads and asserts on.
import { createInterface } from "node:readline";

export function report(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

/** Resolves once the test writes `line` on stdin (it does so after attaching the app to its sidecar). */
export function waitForLine(line) {
  const input = createInterface({ input: process.stdin });
  return new Promise((resolve) => input.on("line", (text) => {
    if (text.trim() === line) {
      input.close();
      resolve();
    }
  }));
}
