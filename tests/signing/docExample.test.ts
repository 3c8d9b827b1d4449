// docs/og-urls.md's worked example is what signCardUrl gives, byte for byte, and its reference signer (Python) agrees.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cardKey, keyIdOf, signCard, verifyCardUrl } from "../../signing";

const docPath = path.join(__dirname, "../../docs/og-urls.md");
const doc = fs.readFileSync(docPath, "utf8");

/** The fenced block after `<!-- og-example:<name> -->` in the doc. */
function example(name: string): string {
  const match = new RegExp(
    `<!-- og-example:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``,
  ).exec(doc);
  if (!match?.[1]) throw new Error(`docs/og-urls.md has no og-example:${name} block`);
  return match[1];
}

const key = example("key").trim();
const baseUrl = "https://cards.example.com";
const pathOf = (url: string) => url.slice(baseUrl.length);

test("the example URL is signCardUrl's output for the example card and key, byte for byte", () => {
  const signed = signCard(JSON.parse(example("card")) as never, { key, baseUrl });
  expect(signed.url).toBe(example("url").trim());
  const text = doc.replace(/\s+/g, " ");
  expect(text).toContain(`derived key id is \`${keyIdOf(key)}\``);
  expect(text).toContain(`Its card key is \`${signed.cardKey}\``);
  expect(text).toContain(`signed string is \`v1/${keyIdOf(key)}?\``);
});

test("the payload example verifies with the example key and carries the example card", () => {
  const card = JSON.parse(example("payload-card")) as never;
  const signed = signCard(card, { key, baseUrl });
  const verified = verifyCardUrl(pathOf(example("payload-url").trim()), [key]);
  expect(verified.cardKey).toBe(signed.cardKey);
  expect(verified.form).toBe("payload");
});

const python = spawnSync("python3", ["--version"]).status === 0;
const withPython = python ? test : test.skip;

describe("the reference signer", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-og-sign-"));
    fs.writeFileSync(path.join(dir, "sign.py"), example("signer"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runSigner = (card: unknown): string => {
    const result = spawnSync("python3", [path.join(dir, "sign.py"), key], {
      input: JSON.stringify(card),
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`sign.py failed: ${result.stderr}`);
    return result.stdout.trim();
  };

  test("is at most 15 lines", () => {
    expect(example("signer").split("\n").length).toBeLessThanOrEqual(15);
  });

  withPython("signs the example card into the example URL (python3: skipped without it)", () => {
    const canonical = JSON.parse(
      signCard(JSON.parse(example("card")) as never, { key, baseUrl }).canonical,
    );
    expect(runSigner(canonical)).toBe(example("url").trim());
  });

  withPython(
    "signs flat and nested cards into URLs verifyCardUrl accepts, with signCardUrl's card key",
    () => {
      const cards = [
        {
          title: "Ünïcødé & symbols: 50% off? a+b=c #1 ~ 🎉",
          scale: 2,
          size: { width: 800, height: 600 },
        },
        {
          template: "brand/quote",
          templateVersion: "0".repeat(64),
          params: { quote: "日本語のテキスト" },
        },
        JSON.parse(example("payload-card")) as object,
        {
          title: "Gradient param",
          params: {
            backdrop: {
              type: "linear",
              angle: 90,
              stops: [{ color: "red" }, { color: "#00f", position: 1 }],
            },
          },
        },
      ];
      for (const card of cards) {
        const url = runSigner(card);
        const verified = verifyCardUrl(pathOf(url), [key]);
        expect(verified.cardKey).toBe(cardKey(signCard(card as never, { key, baseUrl }).canonical));
      }
    },
  );
});
