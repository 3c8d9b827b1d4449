// Template validation: every error names the JSON path, what was expected and what was received; limits, cross-references, cost, hashing and a card's params.
import { createHash } from "node:crypto";
import { SpecValidationError, TemplateValidationError } from "../../../renderer/errors";
import { limits } from "../../../renderer/limits";
import { estimateRenderMs } from "../../../renderer/spec/cost";
import { JsonSyntaxError } from "../../../renderer/spec/jsonText";
import { parseBatchFile, parseCardSpec } from "../../../renderer/spec/validate";
import { assertCardParams, checkCardParams } from "../../../renderer/template/cardParams";
import { canonicalJson, templateHash } from "../../../renderer/template/hash";
import { parseTemplate } from "../../../renderer/template/validate";

type Json = Record<string, unknown>;

/** A valid template: a quote with a round avatar, an accent colour and a background param. */
function quoteTemplate(): Json {
  return {
    name: "brand/quote",
    fonts: [{ family: "Brand Sans", src: "fonts/BrandSans-Bold.woff2", weight: 700 }],
    params: {
      quote: { type: "text", required: true, maxLength: 280 },
      author: { type: "text", maxLength: 80 },
      avatar: { type: "image" },
      accent: { type: "color", default: "#ff0066" },
      backdrop: { type: "background", default: "#0f172a" },
    },
    root: {
      type: "stack",
      background: "{{backdrop}}",
      padding: 64,
      gap: 24,
      children: [
        {
          type: "text",
          text: "“{{quote}}”",
          font: { family: "Brand Sans", weight: 700, size: [32, 72] },
          color: "#ffffff",
          maxLines: 5,
        },
        {
          type: "stack",
          direction: "row",
          align: "center",
          gap: 16,
          if: "author",
          children: [
            { type: "image", src: "{{avatar}}", width: 96, height: 96, radius: 48 },
            { type: "text", text: "{{author}}", color: "{{accent}}", font: { family: "Inter" } },
            { type: "shape", shape: "rect", width: 8, height: 8, fill: "{{accent}}" },
          ],
        },
      ],
    },
  };
}

/** The template with `change` applied to a fresh copy (change mutates and may return nothing). */
function variant(change: (template: Json & { root: Json; params: Json }) => void): Json {
  const template = quoteTemplate() as Json & { root: Json; params: Json };
  change(template);
  return template;
}

/** The node at `root.children[i].children[j]…`. */
function node(template: Json, ...indices: number[]): Json {
  let current = template.root as Json;
  for (const index of indices) current = (current.children as Json[])[index] as Json;
  return current;
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseTemplate(input);
  } catch (error) {
    if (error instanceof TemplateValidationError) return error.issues;
    throw error;
  }
  throw new Error("expected the template to be rejected");
}

describe("parseTemplate", () => {
  it("accepts a valid template, drops $schema and fills the documented defaults", () => {
    const parsed = parseTemplate({ $schema: "../schema/template.schema.json", ...quoteTemplate() });
    expect(parsed.document).not.toHaveProperty("$schema");
    expect(parsed.document.size).toBe("og");
    expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.hash).toBe(parseTemplate(quoteTemplate()).hash);
  });

  it("reads JSON text and bytes, and names the line and column of a syntax error", () => {
    const text = JSON.stringify(quoteTemplate(), null, 2);
    expect(parseTemplate(text).hash).toBe(parseTemplate(quoteTemplate()).hash);
    expect(parseTemplate(new TextEncoder().encode(text)).hash).toBe(parseTemplate(text).hash);
    let error: unknown;
    try {
      parseTemplate('{\n  "name": "a",\n  "root": { "type": "text" "text": "x" }\n}', "quote.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).message).toBe(
      'quote.json:3:28: invalid JSON: expected "," or "}" after a property value, found "\\"text\\""',
    );
  });

  it("refuses a document over the byte limit, as text or as a value", () => {
    const padding = "x".repeat(limits.template.maxDocumentBytes);
    const big = { ...quoteTemplate(), description: padding };
    const bytes = Buffer.byteLength(JSON.stringify(big));
    const expected = [
      {
        path: "",
        message: `expected a template of at most 256 KiB (262,144 bytes), received ${bytes.toLocaleString("en-US")} bytes`,
      },
    ];
    expect(issuesOf(big)).toEqual(expected);
    expect(issuesOf(JSON.stringify(big))).toEqual(expected);
  });

  it("names the path, what was expected and what was received", () => {
    expect(
      issuesOf(
        variant((template) => {
          (node(template, 0).font as Json).size = "big";
          node(template, 1).gap = -1;
        }),
      ),
    ).toEqual([
      {
        path: "root.children[0].font.size",
        message: "expected number or tuple, received string",
      },
      {
        path: "root.children[1].gap",
        message: "Too small: expected number to be >=0, received -1",
      },
    ]);
  });

  describe("did you mean", () => {
    it("suggests node types for misspelt or borrowed ones, and names a missing one", () => {
      const issues = issuesOf(
        variant((template) => {
          node(template, 0).type = "txt";
          node(template, 1, 0).type = "img";
          delete node(template, 1, 1).type;
        }),
      );
      expect(issues).toEqual([
        {
          path: "root.children[0].type",
          message:
            'expected one of "stack", "text", "image", "shape", received "txt"; did you mean "text"?',
        },
        {
          path: "root.children[1].children[0].type",
          message:
            'expected one of "stack", "text", "image", "shape", received "img"; did you mean "image"?',
        },
        {
          path: "root.children[1].children[1].type",
          message: 'required field is missing (expected one of "stack", "text", "image", "shape")',
        },
      ]);
    });

    it("suggests properties by spelling, by their CSS names, and names the node type that has one", () => {
      const issues = issuesOf(
        variant((template) => {
          const text = node(template, 0);
          text.colour = text.color;
          delete text.color;
          const row = node(template, 1);
          row.justifyContent = "center";
          text.justify = "center";
        }),
      );
      expect(issues).toEqual([
        { path: "root.children[0].colour", message: 'unknown field; did you mean "color"?' },
        {
          path: "root.children[0].justify",
          message:
            "unknown field for this node type; stack nodes have it: wrap this node in a stack or move the property there",
        },
        {
          path: "root.children[1].justifyContent",
          message: 'unknown field; did you mean "justify"?',
        },
      ]);
    });

    it("suggests option values, from CSS names too", () => {
      expect(
        issuesOf(
          variant((template) => {
            node(template, 0).align = "left";
            node(template, 1).justify = "space-betwen";
          }),
        ),
      ).toEqual([
        {
          path: "root.children[0].align",
          message:
            'expected one of "start", "center", "end", received "left"; did you mean "start"?',
        },
        {
          path: "root.children[1].justify",
          message:
            'expected one of "start", "center", "end", "space-between", received "space-betwen"; did you mean "space-between"?',
        },
      ]);
    });

    it("puts $schema at the top only", () => {
      expect(issuesOf(variant((template) => (node(template, 0).$schema = "x")))).toEqual([
        {
          path: "root.children[0].$schema",
          message:
            '"$schema" belongs at the top of the file (it names the JSON Schema for editors), not here',
        },
      ]);
    });
  });

  describe("limits", () => {
    /** A chain of stacks `depth` deep with a text at the bottom. */
    function nested(depth: number): Json {
      let current: Json = { type: "text", text: "deep" };
      for (let level = 1; level < depth; level++) current = { type: "stack", children: [current] };
      return { name: "deep", root: current };
    }

    it("nests nodes at most maxDepth deep, naming the deepest", () => {
      expect(() => parseTemplate(nested(limits.template.maxDepth))).not.toThrow();
      const tooDeep = limits.template.maxDepth + 1;
      expect(issuesOf(nested(tooDeep))).toEqual([
        {
          path: `root${".children[0]".repeat(tooDeep - 1)}`,
          message: `expected nodes nested at most ${limits.template.maxDepth} deep (the root is 1), received a node at depth ${tooDeep}`,
        },
      ]);
      // Far deeper than any schema recursion could survive: counted, not recursed into.
      expect(issuesOf(nested(5000)).map((issue) => issue.message)).toEqual([
        "expected at most 200 nodes in a template, received 5,000",
        expect.stringMatching(/received a node at depth 5000$/),
      ]);
    });

    it("holds at most maxNodes nodes", () => {
      const shapes = (count: number) => ({
        name: "many",
        root: {
          type: "stack",
          children: Array.from({ length: count }, () => ({ type: "shape", shape: "rect" })),
        },
      });
      expect(() => parseTemplate(shapes(limits.template.maxNodes - 1))).not.toThrow();
      expect(issuesOf(shapes(limits.template.maxNodes))).toEqual([
        {
          path: "root",
          message: `expected at most ${limits.template.maxNodes} nodes in a template, received ${limits.template.maxNodes + 1}`,
        },
      ]);
    });

    it.each([
      ["text", limits.template.maxTextNodes, { type: "text", text: "x" }],
      ["image", limits.template.maxImageNodes, { type: "image", src: "photo.jpg" }],
    ])("holds at most the limit of %s nodes", (type, max, child) => {
      const template = (count: number) => ({
        name: "many",
        root: { type: "stack", children: Array.from({ length: count }, () => child) },
      });
      expect(() => parseTemplate(template(max))).not.toThrow();
      expect(issuesOf(template(max + 1))).toEqual([
        {
          path: `root.children[${max}]`,
          message: `expected at most ${max} ${type} nodes in a template, received ${max + 1}`,
        },
      ]);
    });

    it("declares at most maxParams params", () => {
      const params = (count: number) =>
        Object.fromEntries(
          Array.from({ length: count }, (_, index) => [`p${index}`, { type: "color" }]),
        );
      const template = (count: number) => ({
        name: "params",
        params: params(count),
        root: { type: "shape", shape: "rect" },
      });
      expect(() => parseTemplate(template(limits.template.maxParams))).not.toThrow();
      expect(issuesOf(template(limits.template.maxParams + 1))).toEqual([
        {
          path: "params",
          message: `expected at most ${limits.template.maxParams} params, received ${limits.template.maxParams + 1}`,
        },
      ]);
    });

    it("bounds fonts, lines, literal text, param lengths and names", () => {
      const issues = issuesOf(
        variant((template) => {
          template.fonts = Array.from({ length: limits.template.maxFonts + 1 }, (_, index) => ({
            family: `F${index}`,
            src: `fonts/f${index}.ttf`,
          }));
          node(template, 0).maxLines = limits.template.maxLines + 1;
          node(template, 1, 1).text = "x".repeat(limits.template.maxLiteralText + 1);
          (template.params.quote as Json).maxLength = limits.template.maxParamLength + 1;
          template.params["p".repeat(limits.template.maxParamNameLength + 1)] = { type: "text" };
        }),
      );
      expect(issues.map((issue) => issue.path)).toEqual([
        "fonts",
        "params.quote.maxLength",
        `params.${"p".repeat(limits.template.maxParamNameLength + 1)}`,
        "root.children[0].maxLines",
        "root.children[1].children[1].text",
      ]);
      expect(issues[0]?.message).toBe(
        `Too big: expected array to have <=${limits.template.maxFonts} items, received ${limits.template.maxFonts + 1} items`,
      );
      expect(issues[3]?.message).toBe(
        `Too big: expected number to be <=${limits.template.maxLines}, received ${limits.template.maxLines + 1}`,
      );
    });
  });

  describe("cross-references", () => {
    it("checks every text placeholder names a declared text param", () => {
      expect(
        issuesOf(
          variant((template) => {
            node(template, 0).text = "{{qoute}} by {{avatar}} {{ broken";
          }),
        ),
      ).toEqual([
        {
          path: "root.children[0].text",
          message: '"qoute" is not a declared param (expected a text param); did you mean "quote"?',
        },
        {
          path: "root.children[0].text",
          message: 'expected a text param, received "avatar", an image param (params.avatar.type)',
        },
        {
          path: "root.children[0].text",
          message:
            'expected placeholders as {{name}} (a param name of letters, digits and "_"), received "{{ broken"',
        },
      ]);
    });

    it("checks colour placeholders: color params, and background params where a background goes", () => {
      expect(
        issuesOf(
          variant((template) => {
            node(template, 0).color = "{{backdrop}}";
            node(template, 1, 2).stroke = "{{quote}}";
            node(template, 1).background = {
              type: "linear",
              stops: [{ color: "{{backdrop}}" }, { color: "{{accent}}" }],
            };
          }),
        ),
      ).toEqual([
        {
          path: "root.children[0].color",
          message:
            'expected a color param, received "backdrop", a background param (params.backdrop.type)',
        },
        {
          path: "root.children[1].background.stops[0].color",
          message:
            'expected a color param, received "backdrop", a background param (params.backdrop.type)',
        },
        {
          path: "root.children[1].children[2].stroke",
          message: 'expected a color param, received "quote", a text param (params.quote.type)',
        },
      ]);
    });

    it("checks if and direction name declared params (direction: a text param)", () => {
      expect(
        issuesOf(
          variant((template) => {
            node(template, 1).if = "autor";
            template.direction = "accent";
          }),
        ),
      ).toEqual([
        {
          path: "direction",
          message: 'expected a text param, received "accent", a color param (params.accent.type)',
        },
        {
          path: "root.children[1].if",
          message:
            '"autor" is not a declared param (expected a text param or an image param or a color param or a background param); did you mean "author"?',
        },
      ]);
      expect(() =>
        parseTemplate(variant((template) => (template.direction = "author"))),
      ).not.toThrow();
    });

    it("checks font families are brand fonts or shipped ones", () => {
      expect(
        issuesOf(
          variant((template) => {
            (node(template, 0).font as Json).family = "Brand Snas";
            (node(template, 1, 1).font as Json).family = "Comic Sans";
          }),
        ),
      ).toEqual([
        {
          path: "root.children[0].font.family",
          message:
            'expected a brand font declared in "fonts" or a shipped family ("Brand Sans", "Inter", "Noto Serif"), received "Brand Snas"; did you mean "Brand Sans"?',
        },
        {
          path: "root.children[1].children[1].font.family",
          message:
            'expected a brand font declared in "fonts" or a shipped family ("Brand Sans", "Inter", "Noto Serif"), received "Comic Sans"',
        },
      ]);
      expect(() =>
        parseTemplate(
          variant((template) => ((node(template, 0).font as Json).family = "Noto Serif")),
        ),
      ).not.toThrow();
    });

    it("checks image sources: an image param, or a valid asset name", () => {
      expect(
        issuesOf(
          variant((template) => {
            const children = node(template, 1).children as Json[];
            children.push(
              { type: "image", src: "{{quote}}" },
              { type: "image", src: "people/{{avatar}}.jpg" },
              { type: "image", src: "../secrets.png" },
              { type: "image", src: "brand/logo.png" },
            );
          }),
        ),
      ).toEqual([
        {
          path: "root.children[1].children[3].src",
          message: 'expected an image param, received "quote", a text param (params.quote.type)',
        },
        {
          path: "root.children[1].children[4].src",
          message:
            'expected "{{param}}" naming an image param (the whole value) or an asset name, received "people/{{avatar}}.jpg"',
        },
        {
          path: "root.children[1].children[5].src",
          message:
            'expected an asset name such as "brand/logo.png" (letters, digits, . _ - /; starting with a letter or digit, not ending in "/"; no "..", no URL), received "../secrets.png"',
        },
      ]);
    });

    it("checks defaults fit their param's type and maxLength; a required param has none", () => {
      const issues = issuesOf(
        variant((template) => {
          template.params.quote = { type: "text", required: true, default: "Hello" };
          template.params.author = { type: "text", maxLength: 3, default: "Ada Lovelace" };
          template.params.accent = { type: "color", default: "pinkk" };
          template.params.avatar = {
            type: "image",
            default: { type: "linear", stops: [{ color: "red" }, { color: "blue" }] },
          };
          template.params.backdrop = {
            type: "background",
            default: { type: "linear", stops: [{ color: "red" }, { color: "{{accent}}" }] },
          };
        }),
      );
      expect(issues).toEqual([
        {
          path: "params.quote.default",
          message:
            "a required param has no default (a card must give it): remove `default`, or `required` to make it optional",
        },
        {
          path: "params.author.default",
          message: "expected at most 3 characters (the param's maxLength), received 12",
        },
        {
          path: "params.avatar.default",
          message:
            'expected an asset name such as "people/ada.jpg" for an image param, received a gradient (only background params take one)',
        },
        {
          path: "params.accent.default",
          message: expect.stringMatching(
            /^expected a CSS colour: .*, received "pinkk"; did you mean "pink"\?$/,
          ),
        },
        {
          path: "params.backdrop.default",
          message: expect.stringMatching(
            /^expected gradient stops with colours .*, received "\{\{accent\}\}"$/,
          ),
        },
      ]);
      expect(() =>
        parseTemplate(
          variant((template) => {
            template.params.backdrop = {
              type: "background",
              default: { type: "linear", stops: [{ color: "red" }, { color: "blue" }] },
            };
          }),
        ),
      ).not.toThrow();
    });

    it("checks maxLength is for text params only", () => {
      expect(
        issuesOf(variant((template) => ((template.params.accent as Json).maxLength = 7))),
      ).toEqual([
        {
          path: "params.accent.maxLength",
          message: "maxLength applies to text params only; this is a color param",
        },
      ]);
    });

    it("checks auto-fit ranges run from min to max", () => {
      expect(
        issuesOf(
          variant((template) => {
            (node(template, 0).font as Json).size = [72, 32];
            node(template, 0).tall = { size: [40, 20] };
          }),
        ),
      ).toEqual([
        {
          path: "root.children[0].tall.size",
          message: "expected [min, max] with min ≤ max, received [40, 20]",
        },
        {
          path: "root.children[0].font.size",
          message: "expected [min, max] with min ≤ max, received [72, 32]",
        },
      ]);
    });

    it("checks node ids are unique, brand fonts are not declared twice and name asset files", () => {
      expect(
        issuesOf(
          variant((template) => {
            node(template, 0).id = "headline";
            node(template, 1, 1).id = "headline";
            (template.fonts as Json[]).push(
              { family: "Brand Sans", src: "fonts/Other.woff2", weight: 700 },
              { family: "Brand Serif", src: "https://example.com/x.ttf" },
            );
          }),
        ),
      ).toEqual([
        {
          path: "fonts[1]",
          message:
            '"Brand Sans" at weight 700 is already declared by fonts[0]; give each file its own weight',
        },
        {
          path: "fonts[2].src",
          message: expect.stringMatching(
            /^expected an asset name .*received "https:\/\/example.com\/x.ttf"$/,
          ),
        },
        {
          path: "root.children[1].children[1].id",
          message: 'id "headline" is already used by root.children[0]',
        },
      ]);
    });
  });

  describe("worst-case cost", () => {
    /** `count` auto-fit text nodes each showing its own text param 10 times. */
    function wordy(count: number, maxLength?: number): Json {
      const names = Array.from({ length: count }, (_, index) => `t${index}`);
      return {
        name: "wordy",
        params: Object.fromEntries(
          names.map((name) => [name, { type: "text", ...(maxLength ? { maxLength } : {}) }]),
        ),
        root: {
          type: "stack",
          children: names.map((name) => ({
            type: "text",
            text: Array.from({ length: 10 }, () => `{{${name}}}`).join(" "),
            font: { size: [8, 200] },
          })),
        },
      };
    }

    it("rejects a template whose worst case is over the per-card limit, naming what makes it costly", () => {
      const issues = issuesOf(wordy(limits.template.maxTextNodes));
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe("root.children[0]");
      expect(issues[0]?.message).toMatch(
        /^a card of this template could take ~\d+ s to render in the worst case \(every text param at its maxLength, or 1,000 characters without one\), over the per-card limit of 10 s; costliest: root.children\[0\]: a text of up to 10,009 characters \(\{\{t0\}\} ×10; auto-fit 8–200\), ~[\d.]+ s; .* Lower the text params' maxLength \(e.g. params.t0.maxLength\)/,
      );
    });

    it("accepts the same template once its text params are bounded", () => {
      expect(() => parseTemplate(wordy(limits.template.maxTextNodes, 100))).not.toThrow();
    });
  });
});

describe("templateHash", () => {
  it("is the SHA-256 of the canonical JSON: same document, same hash, whatever key order or whitespace", () => {
    const a = parseTemplate(JSON.stringify(quoteTemplate()));
    const reordered = Object.fromEntries(Object.entries(quoteTemplate()).reverse());
    const b = parseTemplate(JSON.stringify(reordered, null, 4));
    expect(b.hash).toBe(a.hash);
    expect(a.hash).toBe(createHash("sha256").update(canonicalJson(a.document)).digest("hex"));
    expect(templateHash({ ...a.document, $schema: "x" } as object)).toBe(a.hash);
    // Stated defaults are the same template as omitted ones.
    expect(parseTemplate({ ...quoteTemplate(), size: "og" }).hash).toBe(a.hash);
    expect(parseTemplate({ ...quoteTemplate(), size: "square" }).hash).not.toBe(a.hash);
  });

  it("writes canonical JSON with sorted keys and no whitespace", () => {
    expect(canonicalJson({ b: [1, { d: 2, c: "x" }], a: null, skip: undefined })).toBe(
      '{"a":null,"b":[1,{"c":"x","d":2}]}',
    );
  });
});

describe("checkCardParams", () => {
  const template = () => parseTemplate(quoteTemplate());
  const card = (params: Json, extra: Json = {}) =>
    parseCardSpec({ template: "brand/quote", params, ...extra });

  it("accepts a card whose params fit, with no title (the template's params carry the text)", () => {
    expect(
      checkCardParams(template(), card({ quote: "Ship it", avatar: "people/ada.jpg" })),
    ).toEqual([]);
  });

  it("names unknown params with a did you mean, inside a batch with the item's path", () => {
    expect(
      checkCardParams(template(), card({ quote: "x", qoute: "y", colour: "red" }), ["items", 3]),
    ).toEqual([
      {
        path: "items[3].params.qoute",
        message: 'template "brand/quote" has no param "qoute"; did you mean "quote"?',
      },
      {
        path: "items[3].params.colour",
        message:
          'template "brand/quote" has no param "colour"; its params are quote, author, avatar, accent, backdrop',
      },
    ]);
  });

  it("names a missing or empty required param", () => {
    const missing = {
      path: "params.quote",
      message: 'template "brand/quote" requires this param: expected text, received nothing',
    };
    expect(checkCardParams(template(), card({ author: "Ada" }))).toEqual([missing]);
    expect(checkCardParams(template(), card({ quote: "" }))).toEqual([
      { ...missing, message: missing.message.replace("nothing", '""') },
    ]);
  });

  it("checks each value against its param's type and maxLength", () => {
    expect(
      checkCardParams(
        template(),
        card({
          quote: "q".repeat(281),
          author: "tab\tok, bell\u0007 not",
          avatar: "../../etc/passwd",
          accent: "reed",
          backdrop: { type: "linear", stops: [{ color: "red" }, { color: "{{accent}}" }] },
        }),
      ),
    ).toEqual([
      {
        path: "params.quote",
        message: "expected at most 280 characters (the param's maxLength), received 281",
      },
      {
        path: "params.author",
        message: "must not contain control characters (only tab and newline are allowed)",
      },
      {
        path: "params.avatar",
        message: expect.stringMatching(/^expected an asset name .*received "..\/..\/etc\/passwd"$/),
      },
      {
        path: "params.accent",
        message: expect.stringMatching(
          /^expected a CSS colour: .*received "reed"; did you mean "red"\?$/,
        ),
      },
      {
        path: "params.backdrop",
        message: expect.stringMatching(
          /^expected gradient stops with colours .*received "\{\{accent\}\}"$/,
        ),
      },
    ]);
    expect(
      checkCardParams(
        template(),
        card({
          quote: "x",
          accent: { type: "linear", stops: [{ color: "red" }, { color: "blue" }] },
        }),
      ),
    ).toEqual([
      {
        path: "params.accent",
        message: expect.stringMatching(
          /for a color param, received a gradient \(only background params take one\)$/,
        ),
      },
    ]);
    expect(
      checkCardParams(
        template(),
        card({
          quote: "x",
          backdrop: { type: "linear", stops: [{ color: "red" }, { color: "blue" }] },
        }),
      ),
    ).toEqual([]);
  });

  it("adds the template's content to the card's cost", () => {
    const wordy = parseTemplate({
      name: "wordy",
      params: Object.fromEntries(
        Array.from({ length: 40 }, (_, index) => [`t${index}`, { type: "text", maxLength: 1000 }]),
      ),
      root: {
        type: "stack",
        children: Array.from({ length: 40 }, (_, index) => ({
          type: "text",
          text: `{{t${index}}} {{t${index}}}`,
        })),
      },
    });
    const params = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`t${index}`, "字".repeat(1000)]),
    );
    const heavy = { size: { width: 4096, height: 4096 }, format: "avif", quality: 95 };
    // The card alone fits; with 80,000 characters of text it does not.
    expect(estimateRenderMs(parseCardSpec({ title: "x", ...heavy }))).toBeLessThanOrEqual(
      limits.maxCardRenderMs,
    );
    const issues = checkCardParams(wordy, parseCardSpec({ template: "wordy", params, ...heavy }), [
      "items",
      0,
    ]);
    expect(issues).toEqual([
      {
        path: "items[0].params.t0",
        message: expect.stringMatching(
          /^this card with template "wordy" is estimated at ~\d+ s of rendering \(~[\d.]+ s for its size and format, ~[\d.]+ s for the template's content, most of it a text of 2,001 characters \(\{\{t0\}\} ×2\)\), over the per-card limit of 10 s/,
        ),
      },
    ]);
    expect(checkCardParams(wordy, parseCardSpec({ template: "wordy", params }))).toEqual([]);
  });

  it("throws a SpecValidationError from assertCardParams", () => {
    expect(() => assertCardParams(template(), card({ quote: "x", nope: "y" }))).toThrow(
      SpecValidationError,
    );
    expect(() => assertCardParams(template(), card({ quote: "x" }))).not.toThrow();
  });
});

describe("cards naming a template of their own", () => {
  it("need no title, while the built-ins still require one", () => {
    expect(
      parseCardSpec({ template: "brand/quote", params: { quote: "x" } }).title,
    ).toBeUndefined();
    expect(() => parseCardSpec({ template: "classic", params: { quote: "x" } })).toThrow(
      "title: required field is missing (expected string)",
    );
    const batch = parseBatchFile({
      defaults: { template: "./templates/quote.json" },
      items: [
        { id: "a", params: { quote: "x" } },
        { id: "b", template: "bold" },
      ],
    });
    expect(batch.items.map((item) => item.error?.issues ?? [])).toEqual([
      [],
      [{ path: "items[1].title", message: "required field is missing (expected string)" }],
    ]);
  });
});
