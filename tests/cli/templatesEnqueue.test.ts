// `cardpress enqueue` with a local template: the queued card names the stored template pinned by hash, and renders that version even after the template changed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { enqueueFile } from "../../cli/commands/enqueue";
import { pushTemplateFiles } from "../../cli/commands/templatesStore";
import { processChunkMessage } from "../../jobs";
import { blobNames } from "../../jobs/layout";
import { downloadOutput } from "../../jobs/download";
import { readSettings } from "../../settings";
import { useAzurite } from "../jobs/support/azurite";
import {
  near,
  pixelAt,
  probes,
  quoteTemplate,
  templateHashOf,
  writeJson,
} from "./support/templateFixture";

const fixture = useAzurite();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-templates-enqueue-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The chunk messages queued so far (this file's Azurite has no worker): texts and the cards they carry. */
async function takeQueuedChunks(): Promise<{ text: string; specs: Record<string, unknown>[] }[]> {
  const { receivedMessageItems } = await fixture().storage.renderQueue.receiveMessages({
    numberOfMessages: 32,
  });
  return receivedMessageItems.map((message) => {
    const text = Buffer.from(message.messageText, "base64").toString("utf8");
    const chunk = JSON.parse(text) as { items: { spec: Record<string, unknown> }[] };
    return { text, specs: chunk.items.map((item) => item.spec) };
  });
}

test("the queued cards name the stored template and pin the hash that was pushed; a later push changes nothing for them", async () => {
  const template = writeJson(path.join(dir, "templates", "quote.json"), quoteTemplate);
  const pushedHash = templateHashOf(template);
  const batch = writeJson(path.join(dir, "batch.json"), {
    defaults: { template: "./templates/quote.json", size: { width: 400, height: 200 } },
    items: [
      { id: "a", params: { quote: "One" } },
      { id: "b", template: "test/quote", params: { quote: "Two" } },
      { id: "c", template: "bold", title: "Built-in" },
    ],
  });
  const result = await enqueueFile(fixture().storage, batch);
  expect(result.templates.map((pushed) => [pushed.name, pushed.hash, pushed.status])).toEqual([
    ["test/quote", pushedHash, "created"],
  ]);
  expect([result.accepted, result.rejected]).toEqual([3, []]);

  const chunks = await takeQueuedChunks();
  const specs = chunks.flatMap((chunk) => chunk.specs);
  expect(specs.map((spec) => [spec.id, spec.template, spec.templateVersion])).toEqual([
    ["a", "test/quote", pushedHash],
    // A name with no templates/test/quote.json beside the batch: the stored template, which
    // enqueue has just pushed; storage pins its current version.
    ["b", "test/quote", pushedHash],
    ["c", "bold", undefined],
  ]);

  // The template changes and is pushed again: the queued chunk still renders the pinned version.
  writeJson(template, {
    ...quoteTemplate,
    params: { ...quoteTemplate.params, accent: { type: "color", default: "#00ff00" } },
  });
  const [repushed] = await pushTemplateFiles(fixture().storage, [template]);
  expect(repushed?.status).toBe("updated");
  expect(repushed?.hash).not.toBe(pushedHash);

  const [chunk] = chunks;
  if (!chunk) throw new Error("no chunk was queued");
  const outcome = await processChunkMessage(fixture().storage, chunk.text, {
    settings: readSettings({}),
    dequeueCount: 1,
  });
  expect(outcome).toMatchObject({ kind: "rendered", ok: 3, failed: 0 });
  const image = await downloadOutput(
    fixture().storage,
    blobNames.output(result.batchId, "a", "png"),
  );
  expect(near(await pixelAt(image, probes.accent.x, probes.accent.y), [255, 0, 0])).toBe(true);
});

test("a batch naming a missing ./ template, or an invalid one, is refused before anything is pushed or queued", async () => {
  const missing = writeJson(path.join(dir, "missing.json"), {
    items: [{ id: "x", template: "./nope.json", params: { quote: "Hi" } }],
  });
  await expect(enqueueFile(fixture().storage, missing)).rejects.toThrow(
    `items[0].template "./nope.json": no file ${path.join(dir, "nope.json")}; a "./" template resolves against the card's folder (${dir})`,
  );
  writeJson(path.join(dir, "broken.json"), {
    ...quoteTemplate,
    name: "test/broken",
    root: { type: "box" },
  });
  const invalid = writeJson(path.join(dir, "invalid.json"), {
    items: [{ id: "x", template: "./broken.json", params: { quote: "Hi" } }],
  });
  await expect(enqueueFile(fixture().storage, invalid)).rejects.toThrow(
    /^items\[0\]\.template: the template is not usable: .*broken\.json: root\.type: /,
  );
  expect(await takeQueuedChunks()).toEqual([]);
});
