// `cardpress sign` against the real local stack (recorded as `cardpress start` records it): no flags needed, stored templates pinned, the URL served.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitCodes } from "../../cli/exitCodes";
import { readStackFile } from "../../local/stackFile";
import { verifyCardUrl } from "../../signing";
import { fastHostConfig, runCli, useLocalStack } from "../local/support/localStack";
import {
  cleanEnv,
  near,
  pixelAt,
  probes,
  quoteTemplate,
  templateHashOf,
  writeJson,
  writeSolidPng,
} from "./support/templateFixture";

const fixture = useLocalStack({ hostConfig: fastHostConfig(), record: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-sign-stack-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

/** The key the running stack verifies with, as its registry entry records it. */
function stackKey(): string {
  const key = readStackFile()?.ogSigningKey;
  if (!key) throw new Error("the local stack recorded no ogSigningKey");
  return key;
}

test("with no flags: the local stack's base URL and dev key; the URL is served as an image", async () => {
  const card = writeJson(path.join(tmp, "plain.json"), {
    title: "Signed locally",
    size: { width: 400, height: 210 },
  });
  const run = await runCli(["sign", card], cleanEnv);
  expect(run.exitCode).toBe(exitCodes.ok);
  expect(run.stderr).toMatch(
    /from the local stack \(npm start, pid \d+\), base URL from the local stack/,
  );
  const base = fixture().stack.httpUrl.replace(/\/api$/, "");
  expect(run.stdout.startsWith(`${base}/api/og/v1/`)).toBe(true);
  expect(verifyCardUrl(pathOf(run.stdout), [stackKey()]).card.title).toBe("Signed locally");
  const served = await fetch(run.stdout);
  expect([served.status, served.headers.get("content-type")]).toEqual([200, "image/png"]);
  expect(
    Buffer.from(await served.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe("PNG");
});

test("a stored template is pinned to its current version; pushing again does not change the signed card", async () => {
  const dir = path.join(tmp, "pin");
  const templateFile = writeJson(path.join(dir, "quote.json"), {
    ...quoteTemplate,
    name: "sign/quote",
  });
  const first = templateHashOf(templateFile);
  expect((await runCli(["templates", "push", templateFile], cleanEnv)).exitCode).toBe(0);
  const card = writeJson(path.join(dir, "card.json"), {
    template: "sign/quote",
    params: { quote: "Pinned" },
  });

  const signed = await runCli(["sign", card, "--json"], cleanEnv);
  expect(signed.exitCode).toBe(exitCodes.ok);
  expect(signed.stderr).toContain(
    `template sign/quote pinned to its current version ${first.slice(0, 12)}`,
  );
  const { url } = JSON.parse(signed.stdout) as { url: string };
  expect(verifyCardUrl(pathOf(url), [stackKey()]).card.templateVersion).toBe(first);

  // A new version under the same name: a new signature pins it, the first URL still renders the first.
  writeJson(templateFile, {
    ...quoteTemplate,
    name: "sign/quote",
    params: { ...quoteTemplate.params, accent: { type: "color", default: "#00ff00" } },
  });
  const second = templateHashOf(templateFile);
  expect((await runCli(["templates", "push", templateFile], cleanEnv)).exitCode).toBe(0);
  const resigned = await runCli(["sign", card], cleanEnv);
  expect(verifyCardUrl(pathOf(resigned.stdout), [stackKey()]).card.templateVersion).toBe(second);
  const old = Buffer.from(await (await fetch(url)).arrayBuffer());
  expect(await pixelAt(old, probes.accent.x, probes.accent.y)).toEqual([255, 0, 0]);

  // A card pinning a version keeps it (checked in storage), whatever the name points to now.
  const pinnedCard = writeJson(path.join(dir, "pinned.json"), {
    template: "sign/quote",
    templateVersion: first,
    params: { quote: "Pinned" },
  });
  const pinned = await runCli(["sign", pinnedCard], cleanEnv);
  expect(pinned.stdout).toBe(url);
  expect(pinned.stderr).not.toContain("pinned to its current version");
});

test("a local template is pushed and pinned, the card's image files uploaded, as enqueue does", async () => {
  const dir = path.join(tmp, "local");
  const templateFile = writeJson(path.join(dir, "quote.json"), {
    ...quoteTemplate,
    name: "sign/local",
  });
  await writeSolidPng(path.join(dir, "people", "ada.png"), { r: 0, g: 200, b: 0 });
  const card = writeJson(path.join(dir, "card.json"), {
    template: "./quote.json",
    params: { quote: "From a file", avatar: "people/ada.png" },
  });
  const run = await runCli(["sign", card], cleanEnv);
  expect(run.exitCode).toBe(exitCodes.ok);
  expect(run.stderr).toContain(`template sign/local created from ${templateFile}`);
  const verified = verifyCardUrl(pathOf(run.stdout), [stackKey()]);
  expect(verified.card).toMatchObject({
    template: "sign/local",
    templateVersion: templateHashOf(templateFile),
  });
  const image = Buffer.from(await (await fetch(run.stdout)).arrayBuffer());
  expect(near(await pixelAt(image, probes.avatar.x, probes.avatar.y), [0, 200, 0])).toBe(true);

  // An asset neither beside the card nor stored: its URL could never render, so no URL.
  const missing = writeJson(path.join(dir, "missing.json"), {
    template: "./quote.json",
    params: { quote: "x", avatar: "people/nobody.png" },
  });
  const refused = await runCli(["sign", missing], cleanEnv);
  expect([refused.exitCode, refused.stdout]).toEqual([exitCodes.usage, ""]);
  expect(refused.stderr).toMatch(
    /"people\/nobody\.png" \(no file .*nobody\.png, no blob in container "assets"\)/,
  );
});

test("a stored template that is not there, a version not stored, params that do not fit: refused", async () => {
  const templateFile = writeJson(path.join(tmp, "refused", "quote.json"), {
    ...quoteTemplate,
    name: "sign/refusals",
  });
  expect((await runCli(["templates", "push", templateFile], cleanEnv)).exitCode).toBe(0);
  const refused = async (name: string, card: unknown) => {
    const run = await runCli(["sign", writeJson(path.join(tmp, "refused", name), card)], cleanEnv);
    expect([run.exitCode, run.stdout]).toEqual([exitCodes.usage, ""]);
    return run.stderr;
  };
  expect(await refused("missing.json", { template: "sign/nope", params: {} })).toMatch(
    /sign\/nope/,
  );
  expect(
    await refused("version.json", {
      template: "sign/refusals",
      templateVersion: "0".repeat(64),
      params: { quote: "x" },
    }),
  ).toMatch(/0{64}/);
  expect(await refused("params.json", { template: "sign/refusals", params: {} })).toMatch(
    /params\.quote/,
  );
});

test("concurrent first requests for a signed URL render it once, and the stack logs that one render once", async () => {
  const card = writeJson(path.join(tmp, "burst.json"), {
    title: "Asked for eight times at once",
    size: { width: 400, height: 210 },
  });
  const { stdout: url } = await runCli(["sign", card, "--json"], cleanEnv);
  const { url: signed, cardKey } = JSON.parse(url) as { url: string; cardKey: string };
  const answers = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const response = await fetch(signed);
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
    }),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
  expect(new Set(answers.map((answer) => answer.bytes.toString("base64"))).size).toBe(1);
  // bench/og.bench.ts counts renders by these lines.
  const renders = fixture().logs.filter((line) => line.includes(`rendered og ${cardKey}`));
  expect(renders).toHaveLength(1);
});
