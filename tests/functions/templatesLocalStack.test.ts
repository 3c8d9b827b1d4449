// Templates through the local stack's real HTTP server (routes from functions/host/triggers.ts): PUT, GET, a render and a batch naming the stored template.
import type { BatchStatus } from "../../jobs/status";
import type { PushedTemplate, TemplateListing } from "../../jobs/templates";
import { pngSize } from "../jobs/support/images";
import { eventually, fastHostConfig, useLocalStack } from "../local/support/localStack";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const size = { width: 300, height: 160 };

const template = {
  description: "one line of text",
  size,
  params: { line: { type: "text", required: true } },
  root: {
    type: "stack",
    width: "100%",
    height: "100%",
    padding: 16,
    background: "#1e293b",
    children: [{ type: "text", text: "{{line}}", color: "#f8fafc", font: { size: [12, 32] } }],
  },
};

async function call(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${fixture().stack.httpUrl}/${route}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
}

test("PUT /api/templates/brand/line stores it; GET /api/templates lists it; cards render with it", async () => {
  const put = await call("PUT", "templates/local/brand/line", template);
  expect(put.status).toBe(201);
  const pushed = (await put.json()) as PushedTemplate;
  expect(pushed).toMatchObject({ name: "local/brand/line", status: "created" });

  const listed = await call("GET", "templates?prefix=local/");
  expect(listed.status).toBe(200);
  const listing = (await listed.json()) as TemplateListing;
  expect(listing.templates.map((entry) => [entry.name, entry.hash])).toEqual([
    ["local/brand/line", pushed.hash],
  ]);

  const rendered = await call("POST", "render", {
    template: "local/brand/line",
    size,
    params: { line: "Rendered locally" },
  });
  expect(rendered.status).toBe(200);
  expect(pngSize(Buffer.from(await rendered.arrayBuffer()))).toEqual(size);

  const created = await call("POST", "batches", {
    items: [{ id: "one", template: "local/brand/line", size, params: { line: "Queued" } }],
  });
  expect(created.status).toBe(202);
  const { batchId } = (await created.json()) as { batchId: string };
  const status = await eventually(async () => {
    const answer = (await (await call("GET", `batches/${batchId}`)).json()) as BatchStatus;
    return answer.state === "in_progress" ? undefined : answer;
  }, 30_000);
  expect(status).toMatchObject({ state: "succeeded", done: 1 });
});

test("the wrong method on a template route is a client error from the local host", async () => {
  const answer = await call("GET", "templates/local/brand/line");
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
});
