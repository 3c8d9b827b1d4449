// The `templates` container against Azurite: push, list and get; versions immutable by content hash; hostile stored blobs refused.
import { createHash } from "node:crypto";
import {
  InvalidStoredTemplateError,
  TemplateNameError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
} from "../../jobs/errors";
import { blobNames, parseBlobName, parseTemplatePointerName } from "../../jobs/layout";
import {
  getTemplate,
  getTemplateVersion,
  listTemplates,
  nearTemplateNames,
  pushTemplate,
  resolveTemplateVersion,
} from "../../jobs/templates";
import { assetFieldsOf, invalidAssetFieldsOf } from "../../jobs/assets";
import {
  assetNamesOf,
  canonicalJson,
  limits,
  parseCardSpec,
  parseTemplate,
  TemplateValidationError,
} from "../../renderer";
import { useAzurite } from "./support/azurite";

const fixture = useAzurite();

/** A small valid template; `text` changes its content (and so its hash). */
function templateDocument(name: string, text = "{{quote}}", description = "a quote") {
  return {
    $schema: "https://example.com/template.schema.json",
    name,
    description,
    size: { width: 320, height: 168 },
    params: {
      quote: { type: "text", required: true },
      accent: { type: "color", default: "#f59e0b" },
    },
    root: {
      type: "stack",
      width: "100%",
      height: "100%",
      padding: 16,
      background: "#0f172a",
      children: [{ type: "text", text, color: "{{accent}}", font: { size: [12, 28] } }],
    },
  };
}

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

async function blobText(name: string): Promise<string> {
  const bytes = await fixture().storage.templates.getBlobClient(name).downloadToBuffer();
  return bytes.toString("utf8");
}

async function etagOf(name: string): Promise<string | undefined> {
  return (await fixture().storage.templates.getBlobClient(name).getProperties()).etag;
}

/** Writes raw bytes where a template blob lives, as something other than cardpress might. */
async function writeRaw(name: string, body: string | Buffer): Promise<void> {
  await fixture().storage.templates.getBlockBlobClient(name).uploadData(Buffer.from(body));
}

describe("push, get and list", () => {
  test("a new name is created: its version stored by content hash, the name pointing at it", async () => {
    const { storage } = fixture();
    const document = templateDocument("brand/quote");
    const now = new Date("2026-12-02T10:00:00.000Z");
    const pushed = await pushTemplate(storage, document, { name: "brand/quote", now });
    const expected = parseTemplate(document);
    expect(pushed).toEqual({
      name: "brand/quote",
      hash: expected.hash,
      status: "created",
      updatedAt: now.toISOString(),
    });
    // The stored bytes are the canonical JSON of the validated document: their SHA-256 is the hash.
    const stored = await blobText(`versions/${expected.hash}.json`);
    expect(stored).toBe(canonicalJson(expected.document));
    expect(sha256(stored)).toBe(expected.hash);
    expect(stored).not.toContain("$schema");

    const current = await getTemplate(storage, "brand/quote");
    expect(current).toEqual({
      name: "brand/quote",
      hash: expected.hash,
      updatedAt: now.toISOString(),
      template: expected,
    });
    expect(await getTemplateVersion(storage, expected.hash)).toEqual(expected);
    expect(await resolveTemplateVersion(storage, "brand/quote")).toBe(expected.hash);
  });

  test("the same document again writes nothing and answers unchanged", async () => {
    const { storage } = fixture();
    const document = templateDocument("brand/again");
    const first = await pushTemplate(storage, document, { name: "brand/again" });
    const versionEtag = await etagOf(`versions/${first.hash}.json`);
    const pointerEtag = await etagOf("names/brand/again.json");
    const second = await pushTemplate(storage, document, {
      name: "brand/again",
      now: new Date("2030-01-01T00:00:00.000Z"),
    });
    expect(second).toEqual({ ...first, status: "unchanged" });
    expect(await etagOf(`versions/${first.hash}.json`)).toBe(versionEtag);
    expect(await etagOf("names/brand/again.json")).toBe(pointerEtag);
  });

  test("a changed document is a new version; the old one stays readable and unchanged", async () => {
    const { storage } = fixture();
    const v1 = await pushTemplate(storage, templateDocument("brand/evolving", "v1 {{quote}}"));
    const v1Etag = await etagOf(`versions/${v1.hash}.json`);
    const v2 = await pushTemplate(storage, templateDocument("brand/evolving", "v2 {{quote}}"));
    expect(v2.hash).not.toBe(v1.hash);
    expect(v2).toMatchObject({ status: "updated", previousHash: v1.hash });
    expect((await getTemplate(storage, "brand/evolving")).hash).toBe(v2.hash);
    expect(await etagOf(`versions/${v1.hash}.json`)).toBe(v1Etag);
    const old = await getTemplateVersion(storage, v1.hash);
    expect(JSON.stringify(old.document.root)).toContain("v1 {{quote}}");
    // Pushing v1 again points the name back at it, without rewriting the version.
    const back = await pushTemplate(storage, templateDocument("brand/evolving", "v1 {{quote}}"));
    expect(back).toMatchObject({ status: "updated", hash: v1.hash, previousHash: v2.hash });
    expect(await etagOf(`versions/${v1.hash}.json`)).toBe(v1Etag);
  });

  test("a version is written create-only: an existing valid one is never replaced", async () => {
    const { storage } = fixture();
    const document = templateDocument("brand/immutable");
    const { hash } = parseTemplate(document);
    // The same content stored by another writer, formatted differently (still that version).
    const pretty = JSON.stringify(parseTemplate(document).document, null, 2);
    await writeRaw(`versions/${hash}.json`, pretty);
    const etag = await etagOf(`versions/${hash}.json`);
    await pushTemplate(storage, document);
    expect(await etagOf(`versions/${hash}.json`)).toBe(etag);
    expect(await blobText(`versions/${hash}.json`)).toBe(pretty);
  });

  test("a corrupt blob under a version's name is replaced by the content the name stands for", async () => {
    const { storage } = fixture();
    const document = templateDocument("brand/repaired");
    const { hash } = parseTemplate(document);
    await writeRaw(`versions/${hash}.json`, "not json");
    await pushTemplate(storage, document);
    expect(sha256(await blobText(`versions/${hash}.json`))).toBe(hash);
    expect((await getTemplate(storage, "brand/repaired")).hash).toBe(hash);
  });

  test("list gives every name with its current version, description, params and update time", async () => {
    const { storage } = fixture();
    const now = new Date("2026-12-02T11:00:00.000Z");
    const pushed = await pushTemplate(storage, templateDocument("listed/one", "{{quote}}", "one"), {
      now,
    });
    await pushTemplate(storage, templateDocument("listed/two", "2 {{quote}}", "two"), { now });
    const listing = await listTemplates(storage, { prefix: "listed/" });
    expect(listing.truncated).toBe(false);
    expect(listing.unreadable).toEqual([]);
    expect(listing.templates.map((entry) => entry.name)).toEqual(["listed/one", "listed/two"]);
    expect(listing.templates[0]).toEqual({
      name: "listed/one",
      hash: pushed.hash,
      updatedAt: now.toISOString(),
      description: "one",
      params: {
        quote: { type: "text", required: true },
        accent: { type: "color", required: false },
      },
    });
    const all = await listTemplates(storage);
    expect(all.templates.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(["brand/quote", "listed/one", "listed/two"]),
    );
  });
});

describe("names", () => {
  test("a document without a name takes the name it is stored under", async () => {
    const { storage } = fixture();
    const nameless: Partial<ReturnType<typeof templateDocument>> = templateDocument("x");
    delete nameless.name;
    const pushed = await pushTemplate(storage, nameless, { name: "brand/nameless" });
    expect(pushed.status).toBe("created");
    expect((await getTemplate(storage, "brand/nameless")).template.document.name).toBe(
      "brand/nameless",
    );
  });

  test.each([
    [
      "a name other than the route's",
      "brand/a",
      "brand/b",
      /"name" is "brand\/a" but it is being stored as "brand\/b"/,
    ],
    ["a built-in's name", "classic", "classic", /"classic" is a built-in template's name/],
    ["a name that leaves its folder", "../x", "../x", /invalid template name "\.\.\/x"/],
    ["an upper-case name", "Brand/Quote", "Brand/Quote", /invalid template name/],
  ])("refuses %s before storage is touched", async (_, documentName, route, message) => {
    const { storage } = fixture();
    const attempt = pushTemplate(storage, templateDocument(documentName), { name: route });
    await expect(attempt).rejects.toThrow(TemplateNameError);
    await expect(attempt).rejects.toThrow(message);
  });

  test("an invalid document throws every issue with its path and stores nothing", async () => {
    const { storage } = fixture();
    const document = templateDocument("brand/invalid");
    const broken = {
      ...document,
      root: { ...document.root, children: [{ type: "txt", text: "x" }] },
    };
    const attempt = pushTemplate(storage, broken);
    await expect(attempt).rejects.toThrow(TemplateValidationError);
    const error = (await attempt.catch((caught: unknown) => caught)) as TemplateValidationError;
    expect(error.issues.map((issue) => issue.path)).toContain("root.children[0].type");
    expect(await storage.templates.getBlobClient("names/brand/invalid.json").exists()).toBe(false);
  });

  test("an unknown name is not found, with the stored names near it", async () => {
    const { storage } = fixture();
    await pushTemplate(storage, templateDocument("near/quote"));
    const misspelt = getTemplate(storage, "near/qoute");
    await expect(misspelt).rejects.toThrow(TemplateNotFoundError);
    await expect(misspelt).rejects.toThrow(
      /template "near\/qoute" not found .*did you mean "near\/quote"/,
    );
    const elsewhere = (await getTemplate(storage, "other/quote").catch(
      (caught: unknown) => caught,
    )) as TemplateNotFoundError;
    expect(elsewhere.suggestions).toContain("near/quote");
    expect(nearTemplateNames("zzz/unrelated", ["near/quote", "brand/quote"])).toEqual([]);
  });

  test("blob names are built from checked parts only", () => {
    const hash = "a".repeat(64);
    expect(blobNames.templateVersion(hash)).toBe(`versions/${hash}.json`);
    expect(blobNames.templatePointer("brand/quote")).toBe("names/brand/quote.json");
    expect(parseTemplatePointerName("names/brand/quote.json")).toBe("brand/quote");
    expect(parseBlobName("templates", `versions/${hash}.json`)).toEqual({
      kind: "templateVersion",
      hash,
    });
    for (const bad of ["../x", "brand//x", "brand/../x", "Brand", ""]) {
      expect(() => blobNames.templatePointer(bad)).toThrow(/invalid template name/);
    }
    expect(() => blobNames.templateVersion("../../assets/x")).toThrow(/invalid template version/);
    expect(parseTemplatePointerName("names/../x.json")).toBeUndefined();
    expect(parseBlobName("templates", "versions/abc.json")).toBeUndefined();
  });
});

describe("hostile stored blobs", () => {
  /** A hash no valid document here has: a stored blob under it is read as that version. */
  const hashOf = (label: string) => sha256(`hostile ${label}`);

  test.each([
    [
      "over the template size limit",
      () => `{"name":"x","pad":"${"x".repeat(limits.template.maxDocumentBytes)}"}`,
      new RegExp(`bytes; documents are at most ${limits.template.maxDocumentBytes}`),
    ],
    ["not JSON", () => "{ nope", /is not JSON/],
    [
      "JSON that is not a template",
      () => JSON.stringify({ name: "x", root: { type: "div" } }),
      /not a valid template/,
    ],
  ])("a version blob %s is refused, naming the blob", async (label, body, reason) => {
    const { storage } = fixture();
    const hash = hashOf(label);
    await writeRaw(`versions/${hash}.json`, body());
    const attempt = getTemplateVersion(storage, hash);
    await expect(attempt).rejects.toThrow(InvalidStoredTemplateError);
    await expect(attempt).rejects.toThrow(`templates/versions/${hash}.json`);
    await expect(attempt).rejects.toThrow(reason);
  });

  test("a valid template stored under another version's hash is refused (hash mismatch)", async () => {
    const { storage } = fixture();
    const real = parseTemplate(templateDocument("brand/real"));
    const impostor = parseTemplate(templateDocument("brand/real", "forged {{quote}}"));
    await writeRaw(`versions/${real.hash}.json`, canonicalJson(impostor.document));
    await expect(getTemplateVersion(storage, real.hash)).rejects.toThrow(
      `its content hash is ${impostor.hash}, not the ${real.hash} its name says`,
    );
  });

  test("a missing version is not found; a malformed hash never reaches storage", async () => {
    const { storage } = fixture();
    const missing = hashOf("never stored");
    await expect(getTemplateVersion(storage, missing, "brand/gone")).rejects.toThrow(
      TemplateVersionNotFoundError,
    );
    await expect(getTemplateVersion(storage, "../../x")).rejects.toThrow(
      TemplateVersionNotFoundError,
    );
  });

  test("a pointer that is not JSON, or names another template, is refused; list reports it and goes on", async () => {
    const { storage } = fixture();
    const good = await pushTemplate(storage, templateDocument("hostile/good"));
    await writeRaw("names/hostile/garbage.json", "<html>");
    await writeRaw(
      "names/hostile/renamed.json",
      JSON.stringify({
        v: 1,
        name: "hostile/other",
        hash: good.hash,
        updatedAt: new Date().toISOString(),
        params: {},
      }),
    );
    await expect(getTemplate(storage, "hostile/garbage")).rejects.toThrow(
      /templates\/names\/hostile\/garbage\.json is unusable: .*is not JSON/,
    );
    await expect(getTemplate(storage, "hostile/renamed")).rejects.toThrow(
      /points to a template named "hostile\/other"/,
    );
    const listing = await listTemplates(storage, { prefix: "hostile/" });
    expect(listing.templates.map((entry) => entry.name)).toEqual(["hostile/good"]);
    expect(listing.unreadable.map((entry) => entry.name)).toEqual([
      "hostile/garbage",
      "hostile/renamed",
    ]);
    // Pushing over an unusable pointer replaces it.
    const fixed = await pushTemplate(storage, templateDocument("hostile/garbage"));
    expect(fixed.status).toBe("created");
    expect((await getTemplate(storage, "hostile/garbage")).hash).toBe(fixed.hash);
  });
});

describe("a template's assets", () => {
  const document = {
    name: "assets/card",
    size: { width: 320, height: 168 },
    fonts: [
      { family: "Brand", src: "fonts/brand-regular.ttf", weight: 400 },
      { family: "Brand", src: "fonts/brand-bold.ttf", weight: 700 },
    ],
    params: {
      avatar: { type: "image", required: true },
      badge: { type: "image", default: "badges/default.png" },
      stamp: { type: "image", default: "stamps/default.png" },
      title: { type: "text" },
    },
    root: {
      type: "stack",
      children: [
        { type: "image", src: "{{avatar}}", width: 40, height: 40 },
        { type: "image", src: "{{badge}}", width: 40, height: 40 },
        { type: "image", src: "{{stamp}}", width: 40, height: 40 },
        { type: "image", src: "brand/frame.png", width: 40, height: 40 },
        { type: "text", text: "{{title}}", font: { family: "Brand" } },
      ],
    },
  };

  test("are the names the renderer loads (assetNamesOf), each with the field that names it", () => {
    const template = parseTemplate(document);
    const spec = parseCardSpec({
      template: "assets/card",
      logo: "brand/logo.png",
      // stamp given as "": the renderer draws nothing there and loads no default.
      params: { avatar: "people/ada.png", stamp: "" },
    });
    const fields = assetFieldsOf(spec, template);
    expect(fields.map((entry) => entry.asset).sort()).toEqual(
      [...assetNamesOf(spec, template)].sort(),
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: "logo", asset: "brand/logo.png", kind: "image" },
        { field: "template.fonts[1]", asset: "fonts/brand-bold.ttf", kind: "font" },
        { field: "params.avatar", asset: "people/ada.png", kind: "image" },
        { field: "template.params.badge.default", asset: "badges/default.png", kind: "image" },
        { field: "template.root.children[3].src", asset: "brand/frame.png", kind: "image" },
      ]),
    );
  });

  test("a name that breaks the asset naming rule never reaches storage: the card is refused", () => {
    const template = parseTemplate(document);
    const spec = parseCardSpec({
      template: "assets/card",
      params: { avatar: "../../renders/secret.png" },
    });
    expect(assetFieldsOf(spec, template).map((entry) => entry.asset)).not.toContain(
      "../../renders/secret.png",
    );
    expect(invalidAssetFieldsOf(spec, template)).toEqual([
      { field: "params.avatar", asset: "../../renders/secret.png", kind: "image" },
    ]);
  });
});
