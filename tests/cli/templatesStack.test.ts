// `cardpress templates push|list` and `enqueue` with local templates, against the real local stack (Azurite + the Functions host), found as `cardpress start` leaves it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectionStringVariable } from "../../cli/connection";
import { exitCodes } from "../../cli/exitCodes";
import { stateDirVariable, writeStackFile } from "../../local/stackFile";
import { fastHostConfig, runCli, useLocalStack } from "../local/support/localStack";
import {
  near,
  pixelAt,
  probes,
  quoteTemplate,
  templateHashOf,
  writeJson,
  writeSolidPng,
} from "./support/templateFixture";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-templates-stack-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const viaEnv = () => ({ [connectionStringVariable]: fixture().stack.connectionString });

/** A brand font file: Noto Serif Bold as WOFF, from the shipped @fontsource package. */
const brandFont = path.join(
  __dirname,
  "../../node_modules/@fontsource/noto-serif/files/noto-serif-latin-700-normal.woff",
);

/** A template folder with its own files beside it: a brand font, and an image (a fixed badge). */
async function templateWithBadge(dir: string, name: string): Promise<string> {
  await writeSolidPng(path.join(dir, "badges", "star.png"), { r: 255, g: 255, b: 0 });
  fs.mkdirSync(path.join(dir, "fonts"), { recursive: true });
  fs.copyFileSync(brandFont, path.join(dir, "fonts", "brand.woff"));
  const template = structuredClone(quoteTemplate) as typeof quoteTemplate & {
    name: string;
    fonts: { family: string; src: string; weight: number }[];
  };
  template.name = name;
  template.fonts = [{ family: "Brand", src: "fonts/brand.woff", weight: 700 }];
  template.root.children[2] = {
    ...template.root.children[2],
    font: { family: "Brand", weight: 700, size: 24 },
  } as never;
  template.root.children.push({
    type: "image",
    src: "badges/star.png",
    width: 40,
    height: 40,
    position: "absolute",
    right: 10,
    bottom: 10,
  } as never);
  return writeJson(path.join(dir, "quote.json"), template);
}

test("push stores a template with its own files and hash, idempotently; list shows it", async () => {
  const file = await templateWithBadge(path.join(tmp, "push"), "stack/quote");
  const first = await runCli(["templates", "push", file, "--json"], viaEnv());
  expect([first.exitCode, first.stderr]).toEqual([0, expect.stringContaining("using")]);
  const [pushed] = (JSON.parse(first.stdout) as { templates: Record<string, unknown>[] }).templates;
  expect(pushed).toMatchObject({
    name: "stack/quote",
    hash: templateHashOf(file),
    status: "created",
    assets: { uploaded: ["fonts/brand.woff", "badges/star.png"], missing: [] },
  });

  const again = await runCli(["templates", "push", file], viaEnv());
  expect(again.exitCode).toBe(0);
  expect(again.stdout).toBe(
    `stack/quote ${templateHashOf(file)} unchanged; 2 files uploaded (2 unchanged)`,
  );

  const list = await runCli(["templates", "list"], viaEnv());
  expect(list.exitCode).toBe(0);
  const lines = list.stdout.split("\n");
  expect(lines[0]).toMatch(/^NAME\s+VERSION\s+UPDATED\s+PARAMS$/);
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^stack/quote\\s+${templateHashOf(file).slice(0, 12)}\\s+\\S+Z\\s+quote, accent, avatar$`,
      ),
    ),
  );
  const json = JSON.parse((await runCli(["templates", "list", "--json"], viaEnv())).stdout) as {
    templates: { name: string; hash: string }[];
  };
  expect(json.templates).toContainEqual(
    expect.objectContaining({ name: "stack/quote", hash: templateHashOf(file) }),
  );
});

test("push and list find the local stack with no flags, as cardpress start leaves it", async () => {
  const stateDir = path.join(tmp, "state");
  const { connectionString, httpUrl } = fixture().stack;
  const env = { [stateDirVariable]: stateDir, [connectionStringVariable]: undefined };
  writeStackFile(
    {
      connectionString,
      httpUrl,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      persistent: false,
    },
    { ...process.env, [stateDirVariable]: stateDir },
  );
  const file = writeJson(path.join(tmp, "noflags", "quote.json"), {
    ...quoteTemplate,
    name: "stack/plain",
  });
  const pushed = await runCli(["templates", "push", file], env);
  expect([pushed.exitCode, pushed.stderr]).toEqual([0, expect.stringMatching(/using local stack/)]);
  expect(pushed.stdout).toBe(`stack/plain ${templateHashOf(file)} created`);
  expect((await runCli(["templates", "list"], env)).stdout).toMatch(/^stack\/plain\s/m);
});

test("push refuses an invalid template or an unusable file before storing anything", async () => {
  const dir = path.join(tmp, "invalid");
  const bad = writeJson(path.join(dir, "bad.json"), {
    ...quoteTemplate,
    name: "stack/bad",
    root: { type: "box" },
  });
  const run = await runCli(["templates", "push", bad], viaEnv());
  expect(run.exitCode).toBe(exitCodes.usage);
  expect(run.stderr).toMatch(
    /invalid template .*bad\.json: root\.type: .*; fix the template \(cardpress templates validate/,
  );

  const file = await templateWithBadge(dir, "stack/broken-badge");
  fs.writeFileSync(path.join(dir, "badges", "star.png"), "not a png");
  const unusable = await runCli(["templates", "push", file], viaEnv());
  expect(unusable.exitCode).toBe(exitCodes.usage);
  expect(unusable.stderr).toMatch(
    /an asset is not usable, nothing was uploaded or queued:\n {2}.*star\.png: .*\nreplace it with a PNG, JPEG, WebP or GIF image$/,
  );
  await writeSolidPng(path.join(dir, "badges", "star.png"), { r: 255, g: 255, b: 0 });
  fs.writeFileSync(
    path.join(dir, "fonts", "brand.woff"),
    fs.readFileSync(brandFont).subarray(0, 100),
  );
  const truncated = await runCli(["templates", "push", file], viaEnv());
  expect(truncated.exitCode).toBe(exitCodes.usage);
  expect(truncated.stderr).toMatch(
    /an asset is not usable, nothing was uploaded or queued:\n {2}.*brand\.woff: .*\nreplace it with a TTF, OTF, WOFF or WOFF2 font$/,
  );
  const listed = (await runCli(["templates", "list"], viaEnv())).stdout;
  expect(listed).not.toMatch(/stack\/bad|stack\/broken-badge/);
});

test("enqueue pushes the local template a batch names, pins it, and the stack renders it", async () => {
  const dir = path.join(tmp, "project");
  const file = await templateWithBadge(path.join(dir, "templates"), "stack/batch");
  await writeSolidPng(path.join(dir, "people", "ada.png"), { r: 0, g: 255, b: 0 });
  const batch = writeJson(path.join(dir, "batch.json"), {
    defaults: { template: "./templates/quote.json", size: { width: 400, height: 200 } },
    items: [
      { id: "with-avatar", params: { quote: "One", avatar: "people/ada.png" } },
      { id: "plain", params: { quote: "Two", accent: "#00ff00" } },
      { id: "builtin", template: "classic", title: "Three" },
    ],
  });
  const out = path.join(tmp, "downloaded");
  const run = await runCli(["enqueue", batch, "--download", out, "--timeout", "60s"], viaEnv());
  expect([run.exitCode, run.stdout]).toEqual([0, expect.stringMatching(/3 downloaded/)]);
  expect(run.stderr).toContain(
    `template stack/batch created from ${file}; cards pin version ${templateHashOf(file).slice(0, 12)}…`,
  );
  const png = (id: string) => path.join(out, `${id}.png`);
  expect(
    near(await pixelAt(png("with-avatar"), probes.avatar.x, probes.avatar.y), [0, 255, 0]),
  ).toBe(true);
  expect(
    near(await pixelAt(png("with-avatar"), probes.accent.x, probes.accent.y), [255, 0, 0]),
  ).toBe(true);
  expect(near(await pixelAt(png("plain"), probes.accent.x, probes.accent.y), [0, 255, 0])).toBe(
    true,
  );
  // The template's own badge, uploaded with it: bottom right.
  expect(near(await pixelAt(png("plain"), 370, 170), [255, 255, 0])).toBe(true);
  expect(fs.existsSync(png("builtin"))).toBe(true);
});
