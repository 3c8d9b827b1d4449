// Spec and batch validation: every error names the field, what was expected and what was received.
import { limits } from "../../renderer/limits";
import { SpecValidationError } from "../../renderer/errors";
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

  it("rejects unknown fields instead of ignoring them", () => {
    expect(issuesOf({ title: "x", titel: "y" })).toContainEqual({
      path: "titel",
      message: "unknown field (remove it or check its spelling)",
    });
    expect(issuesOf({ title: "x", theme: { colour: "#fff" } })[0]?.path).toBe("theme.colour");
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
        "output 3240×5760 = 18,662,400 px exceeds the limit of 16,777,216 px; lower scale or size",
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

  it("reports invalid items with their index and keeps the valid ones", () => {
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
      ["ok", "ok"],
      ["typo", "items[1].titel"],
      ["ok", "items[2].id"],
      ["item-3", "items[3].id"],
      ["item-4", "items[4]"],
    ]);
    expect(batch.items[2]?.error?.issues[0]?.message).toBe(
      'duplicate id "ok" (first used by items[0])',
    );
  });

  it("rejects a batch over the item limit, or without items, as a whole", () => {
    const tooMany = {
      items: Array.from({ length: limits.maxItemsPerBatch + 1 }, (_, index) => ({
        id: `c${index}`,
        title: "t",
      })),
    };
    expect(() => parseBatchFile(tooMany)).toThrow(
      /items: Too big: expected array to have <=1000 items/,
    );
    expect(() => parseBatchFile({ items: [] })).toThrow(SpecValidationError);
    expect(() => parseBatchFile({ items: [{ id: "a", title: "t" }], extra: true })).toThrow(
      /extra: unknown field/,
    );
  });
});
