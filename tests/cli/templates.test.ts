// `cardpress templates validate|preview` and local templates in `cardpress render`: no storage at all; errors with their JSON path and line, real PNGs probed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { exitCodes } from "../../cli/exitCodes";
import { locateJsonPath } from "../../cli/jsonLocation";
import { runCli } from "../local/support/localStack";
import {
  near,
  pixelAt,
  probes,
  quoteTemplate,
  templateHashOf,
  writeJson,
  writeSolidPng,
} from "./support/templateFixture";

const red = [255, 0, 0];
const green = [0, 255, 0];
const blue = [0, 0, 255];
const yellow = [255, 255, 0];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-templates-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("templates validate", () => {
  it("prints the name and content hash of a valid template and exits 0; --json for tools", async () => {
    const file = writeJson(path.join(dir, "quote.json"), quoteTemplate);
    const run = await runCli(["templates", "validate", file]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(
      `✔ ${file}: test/quote, version ${templateHashOf(file)}\n1 valid, 0 invalid`,
    );
    const json = await runCli(["templates", "validate", file, "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({
      results: [{ file, ok: true, name: "test/quote", hash: templateHashOf(file), warnings: [] }],
    });
  });

  it("prints every error with its JSON path, line and column, and exits 2", async () => {
    const broken = structuredClone(quoteTemplate) as Record<string, unknown>;
    const root = broken.root as { children: Record<string, unknown>[] };
    root.children[0] = { type: "shap", shape: "rect" }; // misspelt node type
    root.children[2] = { ...root.children[2], colour: "#fff" }; // unknown property
    const file = writeJson(path.join(dir, "broken.json"), broken);
    const text = fs.readFileSync(file, "utf8");
    const run = await runCli(["templates", "validate", file]);
    expect(run.exitCode).toBe(exitCodes.usage);
    const lineOf = (needle: string) =>
      text.split("\n").findIndex((line) => line.includes(needle)) + 1;
    // Each error: file:line:column: path: message, the line being where the offending part is.
    expect(run.stdout).toMatch(
      new RegExp(
        `^  ${file}:${lineOf('"type": "shap"')}:\\d+: root\\.children\\[0\\]\\.type: .*"shape"`,
        "m",
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^  ${file}:${lineOf('"colour"')}:\\d+: root\\.children\\[2\\]\\.colour: .*did you mean "color"`,
        "m",
      ),
    );
    expect(run.stdout).toMatch(/^✖ .*broken\.json$/m);
    expect(run.stdout).toMatch(/0 valid, 1 invalid$/);

    const json = await runCli(["templates", "validate", file, "--json"]);
    const { results } = JSON.parse(json.stdout) as {
      results: { ok: boolean; errors: { path: string; line?: number; column?: number }[] }[];
    };
    expect(results[0]?.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "root.children[0].type", line: lineOf('"type": "shap"') }),
        expect.objectContaining({ path: "root.children[2].colour", line: lineOf('"colour"') }),
      ]),
    );
    expect(json.exitCode).toBe(exitCodes.usage);
  });

  it("names text that is not JSON by line and column, a missing file, and exits 2 when any file is invalid", async () => {
    const good = writeJson(path.join(dir, "good.json"), quoteTemplate);
    const notJson = path.join(dir, "not-json.json");
    fs.writeFileSync(notJson, '{\n  "name": "x",\n  "root": {"type": "stack"},\n}\n');
    const missing = path.join(dir, "missing.json");
    const run = await runCli(["templates", "validate", good, notJson, missing]);
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stdout).toContain(`✔ ${good}: test/quote`);
    expect(run.stdout).toMatch(
      new RegExp(`^  ${notJson}:4:1: invalid JSON: .*trailing comma`, "m"),
    );
    expect(run.stdout).toMatch(new RegExp(`^  ${missing}: cannot read template .*ENOENT`, "m"));
    expect(run.stdout).toMatch(/1 valid, 2 invalid$/);
  });

  it("an error about a param no node defines points at the node that names it", async () => {
    const template = structuredClone(quoteTemplate);
    template.root.children[2] = { ...template.root.children[2], text: "{{qoute}}" } as never;
    const file = writeJson(path.join(dir, "typo.json"), template);
    const { results } = JSON.parse(
      (await runCli(["templates", "validate", file, "--json"])).stdout,
    ) as { results: { errors: { path: string; message: string; line?: number }[] }[] };
    const error = results[0]?.errors.find((entry) => entry.message.includes("qoute"));
    expect(error?.path).toMatch(/^root\.children\[2\]/);
    expect(error?.line).toBe(
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .findIndex((line) => line.includes("{{qoute}}")) + 1,
    );
  });

  it("warns, without failing, about a template's own files missing beside it", async () => {
    const template = { ...quoteTemplate, fonts: [{ family: "Brand", src: "fonts/Brand.woff" }] };
    const file = writeJson(path.join(dir, "fonts.json"), template);
    const run = await runCli(["templates", "validate", file]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `  ⚠ fonts[0].src: no file ${path.join(dir, "fonts/Brand.woff")}; preview and push read it from beside the template`,
    );
  });
});

describe("where a JSON path sits in the text", () => {
  const text = '{\n  "a.b": {\n    "list": [1, {"x": 2}]\n  },\n  "c": 3\n}';
  it("finds members (a key holding a dot included), array elements, and the parent of a missing member", () => {
    expect(locateJsonPath(text, "a.b.list[1].x")).toEqual({ line: 3, column: 18 });
    expect(locateJsonPath(text, "a.b.list[0]")).toEqual({ line: 3, column: 14 });
    expect(locateJsonPath(text, "c")).toEqual({ line: 5, column: 3 });
    expect(locateJsonPath(text, "a.b.missing")).toEqual({ line: 2, column: 3 });
    expect(locateJsonPath(text, "")).toEqual({ line: 1, column: 1 });
  });
});

describe("templates preview", () => {
  it("renders a real PNG from the params, with no storage: the accent param and the default", async () => {
    const file = writeJson(path.join(dir, "quote.json"), quoteTemplate);
    const out = path.join(dir, "out", "quote.png");
    const run = await runCli([
      "templates",
      "preview",
      file,
      "--params",
      '{"quote": "Hello", "accent": "#00ff00"}',
      "-o",
      out,
    ]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatch(/^✔ test\/quote → .*quote\.png \(400×200, /);
    const metadata = await sharp(out).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(["png", 400, 200]);
    expect(near(await pixelAt(out, probes.accent.x, probes.accent.y), green)).toBe(true);
    expect(near(await pixelAt(out, probes.background.x, probes.background.y), blue)).toBe(true);
    // No avatar given: the `if` leaves it out, so the card's background shows there.
    expect(near(await pixelAt(out, probes.avatar.x, probes.avatar.y), blue)).toBe(true);

    const byDefault = path.join(dir, "default.png");
    await runCli(["templates", "preview", file, "--params", '{"quote": "Hi"}', "-o", byDefault]);
    expect(near(await pixelAt(byDefault, probes.accent.x, probes.accent.y), red)).toBe(true);
  });

  it("reads image params beside the template, or from an absolute path; --params-file, --size, --scale, format from -o", async () => {
    const file = writeJson(path.join(dir, "quote.json"), quoteTemplate);
    await writeSolidPng(path.join(dir, "people", "ada.png"), { r: 255, g: 255, b: 0 });
    const paramsFile = writeJson(path.join(dir, "params.json"), {
      quote: "Hello",
      avatar: "people/ada.png",
      accent: "#00ff00",
    });
    const out = path.join(dir, "big.jpg");
    const run = await runCli([
      "templates",
      "preview",
      file,
      "--params-file",
      paramsFile,
      "--params",
      '{"accent": "#ff0000"}',
      "--size",
      "800x400",
      "--scale",
      "2",
      "-o",
      out,
      "--json",
    ]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout)).toMatchObject({
      name: "test/quote",
      hash: templateHashOf(file),
      out,
      width: 1600,
      height: 800,
    });
    expect((await sharp(out).metadata()).format).toBe("jpeg");
    // 800×400 is twice the template's size: every length doubles; --scale 2 doubles the pixels again.
    const at = (probe: { x: number; y: number }) => pixelAt(out, probe.x * 2, probe.y * 2, 2);
    expect(near(await at(probes.accent), red, 24)).toBe(true); // --params wins over the file
    expect(near(await at(probes.avatar), yellow, 24)).toBe(true);

    const elsewhere = await writeSolidPng(path.join(dir, "elsewhere", "me.png"), {
      r: 0,
      g: 255,
      b: 0,
    });
    const absolute = path.join(dir, "absolute.png");
    const byPath = await runCli([
      "templates",
      "preview",
      file,
      "--params",
      JSON.stringify({ quote: "Hi", avatar: elsewhere }),
      "-o",
      absolute,
    ]);
    expect([byPath.exitCode, byPath.stderr]).toEqual([0, ""]);
    expect(near(await pixelAt(absolute, probes.avatar.x, probes.avatar.y), green)).toBe(true);
  });

  it("refuses params that do not fit, a missing image, an invalid template: one sentence each, exit 2", async () => {
    const file = writeJson(path.join(dir, "quote.json"), quoteTemplate);
    const out = path.join(dir, "x.png");
    const missingParam = await runCli(["templates", "preview", file, "-o", out]);
    expect(missingParam.exitCode).toBe(exitCodes.usage);
    expect(missingParam.stderr).toMatch(
      /^cardpress: the params do not fit template test\/quote: params\.quote: .*; fix --params$/,
    );

    const missingImage = await runCli([
      "templates",
      "preview",
      file,
      "--params",
      '{"quote": "Hi", "avatar": "people/nobody.png"}',
      "-o",
      out,
    ]);
    expect(missingImage.exitCode).toBe(exitCodes.usage);
    expect(missingImage.stderr).toContain(
      `params.avatar "people/nobody.png": not found (no file ${path.join(dir, "people/nobody.png")})`,
    );

    const withFont = writeJson(path.join(dir, "font.json"), {
      ...quoteTemplate,
      fonts: [{ family: "Brand", src: "fonts/none.woff" }],
    });
    const missingFont = await runCli([
      "templates",
      "preview",
      withFont,
      "--params",
      '{"quote": "Hi"}',
      "-o",
      out,
    ]);
    expect(missingFont.exitCode).toBe(exitCodes.usage);
    expect(missingFont.stderr).toContain(
      `font.json: fonts[0].src "fonts/none.woff": not found (no file ${path.join(dir, "fonts/none.woff")})`,
    );

    const notObject = await runCli(["templates", "preview", file, "--params", "[1]", "-o", out]);
    expect(notObject.exitCode).toBe(exitCodes.usage);
    expect(notObject.stderr).toMatch(/--params: expected a JSON object of param values/);

    const badJson = await runCli([
      "templates",
      "preview",
      file,
      "--params",
      "{quote: 1}",
      "-o",
      out,
    ]);
    expect(badJson.exitCode).toBe(exitCodes.usage);
    expect(badJson.stderr).toMatch(/^cardpress: --params:1:2: invalid JSON: /);

    const invalid = writeJson(path.join(dir, "invalid.json"), {
      ...quoteTemplate,
      root: { type: "box" },
    });
    const run = await runCli(["templates", "preview", invalid, "-o", out]);
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/is not a valid template: root\.type: .*templates validate/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("render with local templates", () => {
  /** A project: templates/test/quote.json (found by name) and a card file beside them. */
  function project(card: Record<string, unknown>): string {
    writeJson(path.join(dir, "templates", "test", "quote.json"), quoteTemplate);
    return writeJson(path.join(dir, "card.json"), { id: "card", ...card });
  }

  it("renders a card whose template is a local file, relative to the card", async () => {
    writeJson(path.join(dir, "designs", "quote.json"), quoteTemplate);
    await writeSolidPng(path.join(dir, "img", "ada.png"), { r: 255, g: 255, b: 0 });
    const card = writeJson(path.join(dir, "card.json"), {
      id: "local",
      template: "./designs/quote.json",
      size: { width: 400, height: 200 },
      params: { quote: "Hi", accent: "#00ff00", avatar: "img/ada.png" },
    });
    const out = path.join(dir, "out");
    const run = await runCli(["render", card, "-o", out]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    const png = path.join(out, "local.png");
    expect((await sharp(png).metadata()).width).toBe(400);
    expect(near(await pixelAt(png, probes.accent.x, probes.accent.y), green)).toBe(true);
    expect(near(await pixelAt(png, probes.avatar.x, probes.avatar.y), yellow)).toBe(true);
  });

  it("finds a template by name in templates/ beside the card, or in --templates <dir>", async () => {
    const card = project({
      template: "test/quote",
      size: { width: 400, height: 200 },
      params: { quote: "Hi" },
    });
    const out = path.join(dir, "out");
    const run = await runCli(["render", card, "-o", out]);
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(near(await pixelAt(path.join(out, "card.png"), 50, 50), red)).toBe(true);

    const other = path.join(dir, "elsewhere");
    writeJson(path.join(other, "test", "quote.json"), {
      ...quoteTemplate,
      params: { ...quoteTemplate.params, accent: { type: "color", default: "#00ff00" } },
    });
    const flagged = await runCli(["render", card, "-o", out, "--templates", other]);
    expect([flagged.exitCode, flagged.stderr]).toEqual([0, ""]);
    expect(near(await pixelAt(path.join(out, "card.png"), 50, 50), green)).toBe(true);
  });

  it("a template name with no file is that card's failure, saying where it looked; other cards render", async () => {
    const batch = writeJson(path.join(dir, "batch.json"), {
      items: [
        { id: "builtin", title: "Built-in" },
        { id: "stored", template: "brand/absent", params: { quote: "Hi" } },
        { id: "gone", template: "./nowhere/quote.json", params: { quote: "Hi" } },
      ],
    });
    const run = await runCli(["render", batch, "-o", path.join(dir, "out"), "--json"]);
    expect(run.exitCode).toBe(exitCodes.itemsFailed);
    const { results } = JSON.parse(run.stdout) as {
      results: { id: string; ok: boolean; errors?: { path: string; message: string }[] }[];
    };
    expect(results.map((result) => [result.id, result.ok])).toEqual([
      ["builtin", true],
      ["stored", false],
      ["gone", false],
    ]);
    expect(results[1]?.errors).toEqual([
      {
        path: "items[1].template",
        message: `items[1].template "brand/absent": no file ${path.join(dir, "templates", "brand", "absent.json")}; render reads templates from disk only: put it there, pass --templates <dir>, or name its file ("./templates/quote.json")`,
      },
    ]);
    expect(results[2]?.errors?.[0]?.message).toContain(
      `no file ${path.join(dir, "nowhere", "quote.json")}`,
    );
  });

  it("refuses a card whose params do not fit, a file named otherwise, and a pinned version the file no longer has", async () => {
    const card = project({ template: "test/quote", params: { qoute: "Hi" } });
    const run = await runCli(["render", card, "-o", path.join(dir, "out")]);
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stdout).toMatch(/^ {2}params\.quote: /m);

    writeJson(path.join(dir, "templates", "brand", "misnamed.json"), quoteTemplate);
    writeJson(card, { template: "brand/misnamed", params: { quote: "Hi" } });
    const misnamed = await runCli(["render", card, "-o", path.join(dir, "out")]);
    expect(misnamed.exitCode).toBe(exitCodes.usage);
    expect(misnamed.stdout).toContain(
      `template "brand/misnamed" was found as ${path.join(dir, "templates", "brand", "misnamed.json")}, whose name is "test/quote"`,
    );

    writeJson(card, {
      template: "test/quote",
      params: { quote: "Hi" },
      templateVersion: "0".repeat(64),
    });
    const pinned = await runCli(["render", card, "-o", path.join(dir, "out")]);
    expect(pinned.exitCode).toBe(exitCodes.usage);
    expect(pinned.stdout).toMatch(
      /templateVersion: the card pins template version 000000000000…, but .* is now [0-9a-f]{12}…/,
    );
  });

  it("a local template that is not valid fails the cards naming it, each error with the file and its path", async () => {
    writeJson(path.join(dir, "bad.json"), { ...quoteTemplate, root: { type: "stack", gapp: 3 } });
    const card = writeJson(path.join(dir, "card.json"), { id: "c", template: "./bad.json" });
    const run = await runCli(["render", card, "-o", path.join(dir, "out"), "--json"]);
    expect(run.exitCode).toBe(exitCodes.usage);
    const { results } = JSON.parse(run.stdout) as {
      results: { errors: { path: string; message: string }[] }[];
    };
    expect(results[0]?.errors).toEqual([
      {
        path: "template",
        message: expect.stringMatching(/bad\.json: root\.gapp: .*did you mean "gap"/),
      },
    ]);
  });
});
