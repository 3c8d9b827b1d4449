// Spec and batch validation: every error names the field, what was expected and what was received.
import { limits } from "../../renderer/limits";
import { SpecValidationError } from "../../renderer/errors";
import { parseColor } from "../../renderer/spec/colors";
import { parseBatchFile, parseCardSpec } from "../../renderer/spec/validate";

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseCardSpec(input);
  } catch (error) {
    if (error instanceof SpecValidationError) return error.issues;
    throw error;
  }
  throw new Error("expected the spec to be rejected");
}

describe("card spec validation", () => {
  it("fills documented defaults", () => {
    expect(parseCardSpec({ title: "Hi" })).toEqual({
      title: "Hi",
      template: "classic",
      size: "og",
      scale: 1,
      format: "png",
      direction: "auto",
    });
  });

  it("names a missing required field", () => {
    expect(issuesOf({})).toEqual([
      { path: "title", message: "required field is missing (expected string)" },
    ]);
  });

  it("rejects unknown fields instead of ignoring them, suggesting the nearest valid one", () => {
    expect(issuesOf({ titel: "y", Theme: { preset: "ocean" } })).toEqual([
      { path: "title", message: "required field is missing (expected string)" },
      { path: "titel", message: 'unknown field; did you mean "title"?' },
      { path: "Theme", message: 'unknown field; did you mean "theme"?' },
    ]);
    expect(
      issuesOf({
        title: "x",
        theme: { bakground: { type: "linear", stops: [{ color: "red", postion: 1 }] } },
      }),
    ).toEqual([{ path: "theme.bakground", message: 'unknown field; did you mean "background"?' }]);
    expect(
      issuesOf({
        title: "x",
        theme: { background: { type: "linear", stops: [{ color: "red", postion: 1 }, {}] } },
      })[0],
    ).toEqual({
      path: "theme.background.stops[0].postion",
      message: 'unknown field; did you mean "position"?',
    });
    // Nothing close: no guess, the fields that exist there instead.
    expect(issuesOf({ title: "x", theme: { colour: "#fff" } })).toEqual([
      {
        path: "theme.colour",
        message:
          "unknown field (remove it or check its spelling); expected one of preset, background, foreground, accent, muted, font",
      },
    ]);
    expect(issuesOf({ title: "x", foo: 1 })[0]?.message).not.toMatch(/did you mean/);
  });

  it("suggests the nearest option of a list and accepts jpg for jpeg", () => {
    expect(issuesOf({ title: "x", format: "jepg" })).toEqual([
      {
        path: "format",
        message:
          'expected one of "png", "jpeg", "webp", "avif", "jpg", received "jepg"; did you mean "jpeg"?',
      },
    ]);
    expect(issuesOf({ title: "x", size: "sqaure" })[0]?.message).toMatch(
      /received "sqaure"; did you mean "square"\?$/,
    );
    expect(issuesOf({ title: "x", theme: { font: "inter" } })[0]?.message).toMatch(
      /did you mean "Inter"\?$/,
    );
    expect(issuesOf({ title: "x", format: "gif" })[0]?.message).not.toMatch(/did you mean/);
    expect(parseCardSpec({ title: "x", format: "jpg" }).format).toBe("jpeg");
    expect(parseCardSpec({ title: "x", format: "jpeg" }).format).toBe("jpeg");
  });

  it("says what was expected and what was received", () => {
    const [scale] = issuesOf({ title: "x", scale: 9 });
    expect(scale?.path).toBe("scale");
    expect(scale?.message).toMatch(/<=3.*received 9/);
    const [size] = issuesOf({ title: "x", size: "huge" });
    expect(size?.message).toMatch(/"og".*received "huge"/);
    const [format] = issuesOf({ title: "x", format: "gif" });
    expect(format?.message).toMatch(/png.*received "gif"/);
    const [type] = issuesOf({ title: 42 });
    expect(type).toEqual({
      path: "title",
      message: "Invalid input: expected string, received number",
    });
  });

  it("validates colours and gradients with the field path", () => {
    expect(issuesOf({ title: "x", theme: { background: "#12345" } })).toEqual([
      {
        path: "theme.background",
        message: expect.stringMatching(/expected a CSS colour.*received "#12345"/),
      },
    ]);
    const issues = issuesOf({
      title: "x",
      theme: { background: { type: "linear", stops: [{ color: "nope" }] } },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "theme.background.stops[0].color",
      "theme.background.stops",
    ]);
    expect(
      parseCardSpec({ title: "x", theme: { background: "rgba(1, 2, 3, 0.5)", accent: "#abc" } })
        .theme?.accent,
    ).toBe("#abc");
  });

  it("says how big a value was when it breaks a size limit", () => {
    expect(
      issuesOf({
        title: "x",
        theme: { background: { type: "linear", stops: [{ color: "red" }] } },
      }),
    ).toEqual([
      {
        path: "theme.background.stops",
        message: "Too small: expected array to have >=2 items, received 1 item",
      },
    ]);
    expect(issuesOf({ title: "x", id: "a".repeat(200) })[0]?.message).toMatch(
      /<=128 characters, received 200 characters$/,
    );
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"]));
    expect(() => parseBatchFile({ items: [{ id: "a", title: "x" }], metadata })).toThrow(
      "metadata: expected at most 32 entries, received 40",
    );
  });

  it("enforces text lengths in code points and rejects control characters", () => {
    expect(parseCardSpec({ title: "😀".repeat(limits.text.title) }).title).toHaveLength(
      limits.text.title * 2,
    );
    expect(issuesOf({ title: "a".repeat(limits.text.title + 1) })[0]?.message).toBe(
      `expected at most ${limits.text.title} characters, received ${limits.text.title + 1}`,
    );
    expect(issuesOf({ title: "bell\u0007" })[0]?.message).toMatch(/control characters/);
    expect(parseCardSpec({ title: "two\nlines\ttab" }).title).toBe("two\nlines\ttab");
  });

  it("enforces dimension and pixel limits after scale", () => {
    expect(
      issuesOf({ title: "x", size: { width: 5000, height: 10 } }).map((issue) => issue.path),
    ).toEqual(["size.width", "size.height"]);
    const [pixels] = issuesOf({ title: "x", size: "story", scale: 3 });
    expect(pixels).toEqual({
      path: "scale",
      message:
        'output 3240×5760 = 18,662,400 px from size "story" (1080×1920) at scale 3 exceeds the limit of 16,777,216 px; lower scale or size',
    });
    expect(parseCardSpec({ title: "x", size: { width: 4096, height: 4096 } }).size).toEqual({
      width: 4096,
      height: 4096,
    });
  });

  it("accepts only plain relative asset names", () => {
    for (const hostile of [
      "../x.png",
      "a/../../b.png",
      "https://evil.example/x.png",
      "/etc/passwd",
      "a//b.png",
      "file:x",
    ]) {
      expect(issuesOf({ title: "x", logo: hostile })[0]?.path).toBe("logo");
    }
    expect(parseCardSpec({ title: "x", logo: "brand/logo-2.png" }).logo).toBe("brand/logo-2.png");
  });
});

describe("$schema (for editors)", () => {
  const reference = "./schema/card.schema.json";

  it("is accepted at the top of a card spec and dropped from the validated spec", () => {
    const spec = parseCardSpec({ $schema: reference, title: "Hi" });
    expect(spec).toEqual(parseCardSpec({ title: "Hi" }));
    expect(spec).not.toHaveProperty("$schema");
    expect(issuesOf({ $schema: 5, title: "x" })[0]?.path).toBe("$schema");
  });

  it("is told apart from keys every object has (toString, constructor)", () => {
    const issues = issuesOf({ title: "x", theme: { toString: 1, constructor: 2 } });
    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^unknown field/),
      expect.stringMatching(/^unknown field/),
    ]);
  });

  it("is accepted at the top of a batch file, and only there", () => {
    const batch = parseBatchFile({ $schema: reference, items: [{ id: "a", title: "A" }] });
    expect(batch.items[0]?.spec).toEqual(parseCardSpec({ id: "a", title: "A" }));
    const nested = parseBatchFile({ items: [{ id: "a", title: "A", $schema: reference }] });
    expect(nested.items[0]?.error?.issues).toEqual([
      {
        path: "items[0].$schema",
        message:
          '"$schema" belongs at the top of the file (it names the JSON Schema for editors), not here',
      },
    ]);
  });
});

describe("colours", () => {
  it("accepts CSS named colours as their exact RGB values", () => {
    expect(parseColor("red")).toEqual({ r: 255, g: 0, b: 0, a: 1 });
    expect(parseColor("RebeccaPurple")).toEqual({ r: 102, g: 51, b: 153, a: 1 });
    expect(parseColor("transparent")).toEqual({ r: 0, g: 0, b: 0, a: 0 });
    const spec = parseCardSpec({
      title: "x",
      theme: { background: { type: "linear", stops: [{ color: "navy" }, { color: "gold" }] } },
    });
    expect(spec.theme?.background).toMatchObject({ stops: [{ color: "navy" }, { color: "gold" }] });
  });

  it("does not take properties every object has for colours", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      expect(parseColor(name)).toBeUndefined();
      expect(issuesOf({ title: "x", theme: { accent: name } })[0]?.path).toBe("theme.accent");
    }
  });

  it("suggests the nearest colour name, and points a card-level colour to theme.background", () => {
    expect(issuesOf({ title: "x", theme: { accent: "gren" } })[0]?.message).toMatch(
      /received "gren"; did you mean "green"\?$/,
    );
    expect(issuesOf({ title: "x", background: "red" })).toEqual([
      {
        path: "background",
        message:
          'expected the asset name of a background image, received the colour "red"; put colours in theme.background',
      },
    ]);
  });
});

describe("batch files", () => {
  it("merges items over defaults, theme field by field", () => {
    const batch = parseBatchFile({
      defaults: { template: "minimal", theme: { preset: "ocean", accent: "#fff" } },
      items: [{ id: "a", title: "A", theme: { accent: "#000" } }],
      metadata: { owner: "docs" },
    });
    expect(batch.items[0]?.spec).toMatchObject({
      id: "a",
      template: "minimal",
      theme: { preset: "ocean", accent: "#000" },
    });
    expect(batch.metadata).toEqual({ owner: "docs" });
  });

  it("reports invalid items with their index; every item sharing an id is refused", () => {
    const batch = parseBatchFile({
      items: [
        { id: "ok", title: "fine" },
        { id: "typo", titel: "x" },
        { id: "ok", title: "duplicate" },
        { title: "no id" },
        7,
      ],
    });
    expect(
      batch.items.map((item) => [item.id, item.spec ? "ok" : item.error?.issues[0]?.path]),
    ).toEqual([
      ["ok", "items[0].id"],
      ["typo", "items[1].titel"],
      ["ok", "items[2].id"],
      ["items[3]", "items[3].id"],
      ["items[4]", "items[4]"],
    ]);
    expect(batch.items[2]?.error?.issues[0]?.message).toBe(
      'duplicate id "ok": also used by items[0]; an id names the card\'s output file, so no item with a shared id is rendered',
    );
  });

  it("blames an item's own size when the scale over the pixel budget comes from defaults", () => {
    const batch = parseBatchFile({
      defaults: { scale: 3 },
      items: [
        { id: "tall", title: "x", size: "story" },
        { id: "wide", title: "y", size: "og" },
      ],
    });
    expect(batch.items[0]?.error?.issues).toEqual([
      {
        path: "items[0].size",
        message:
          'output 3240×5760 = 18,662,400 px from size "story" (1080×1920) at scale 3 exceeds the limit of 16,777,216 px; lower scale or size (scale 3 comes from defaults)',
      },
    ]);
    expect(batch.items[1]?.spec?.scale).toBe(3);
  });

  it("accepts a lone card as a batch of one, with the card's own paths", () => {
    expect(parseBatchFile({ $schema: "x", id: "hello", title: "Hi" })).toEqual({
      items: [{ index: 0, id: "hello", spec: parseCardSpec({ id: "hello", title: "Hi" }) }],
      metadata: {},
    });
    const anonymous = parseBatchFile({ title: "Hi" });
    expect(anonymous.items.map((item) => [item.id, item.spec?.id])).toEqual([["card", "card"]]);
    expect(parseBatchFile({ title: "Hi" }, { singleCardId: "one" }).items[0]?.id).toBe("one");
    const invalid = parseBatchFile({ id: "typo", titel: "Hi" });
    expect(invalid.items.map((item) => [item.id, item.error?.issues])).toEqual([
      [
        "typo",
        [
          { path: "title", message: "required field is missing (expected string)" },
          { path: "titel", message: 'unknown field; did you mean "title"?' },
        ],
      ],
    ]);
  });

  it("answers a card mixed with batch fields, or a bare array, in one sentence", () => {
    expect(() => parseBatchFile({ title: "Hi", metadata: { a: "b" } })).toThrow(
      /^invalid batch file: \(root\): this is a card, not a batch: wrap it in "items"/,
    );
    expect(() => parseBatchFile({ title: "Hi", metadata: {} })).toThrow(SpecValidationError);
    expect(() => parseBatchFile([{ id: "a", title: "Hi" }])).toThrow(
      /received an array; put the array in "items"/,
    );
  });

  it("reads misspelt batch fields as a batch, and card fields at its top as misplaced", () => {
    const issuesOfBatch = (input: unknown) => {
      try {
        parseBatchFile(input);
      } catch (error) {
        if (error instanceof SpecValidationError) return error.issues;
        throw error;
      }
      throw new Error("expected the batch to be rejected");
    };
    expect(issuesOfBatch({ item: [{ id: "a", title: "Hi" }] })).toEqual([
      { path: "items", message: "required field is missing (expected array)" },
      { path: "item", message: 'unknown field; did you mean "items"?' },
    ]);
    expect(issuesOfBatch({ title: "Hi", items: [{ id: "a", title: "Hi" }] })).toEqual([
      {
        path: "title",
        message:
          'unknown field at the top of a batch file: card fields go in "defaults" (for every item) or in each item of "items"',
      },
    ]);
    expect(issuesOfBatch({ defaults: { titel: "x" }, items: [{ id: "a", title: "Hi" }] })).toEqual([
      { path: "defaults.titel", message: 'unknown field; did you mean "title"?' },
    ]);
  });

  it("rejects a batch over the item limit, or without items, as a whole", () => {
    const tooMany = {
      items: Array.from({ length: limits.maxItemsPerBatch + 1 }, (_, index) => ({
        id: `c${index}`,
        title: "t",
      })),
    };
    expect(() => parseBatchFile(tooMany)).toThrow(
      /items: Too big: expected array to have <=1000 items, received 1,001 items/,
    );
    expect(() => parseBatchFile({ items: [] })).toThrow(SpecValidationError);
    expect(() => parseBatchFile({ items: [{ id: "a", title: "t" }], extra: true })).toThrow(
      /extra: unknown field \(remove it or check its spelling\); expected one of defaults, items, metadata, ttlHours/,
    );
  });
});
