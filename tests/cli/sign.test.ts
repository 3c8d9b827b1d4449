// `cardpress sign` without storage: the URL verifies with the key, --json, --base-url, the key's sources, and every refusal.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitCodes } from "../../cli/exitCodes";
import { signingKeyVariable } from "../../cli/signingSetup";
import { verifyCardUrl } from "../../signing";
import { runCli } from "../local/support/localStack";
import { cleanEnv, writeJson } from "./support/templateFixture";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-sign-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const key = "sign-test-key-0123456789-abcdefghijklmnop";
const otherKey = "another-sign-test-key-0123456789-abcdefgh";
const keyFile = path.join(tmp, "og.key");
// A trailing newline, as `pulumi stack output … > og.key` writes it.
fs.writeFileSync(keyFile, `${key}\n`);

const card = { id: "hello", title: "Hello, signed world", theme: { preset: "midnight" } };
const cardFile = writeJson(path.join(tmp, "card.json"), card);
const base = "https://cards.example.com";

const pathOf = (url: string) => url.slice(url.indexOf("/api/og/"));

test("prints one URL, which verifies with the key and carries the card", async () => {
  const run = await runCli(["sign", cardFile, "--key-file", keyFile, "--base-url", base], cleanEnv);
  expect(run.exitCode).toBe(exitCodes.ok);
  expect(run.stdout.split("\n")).toHaveLength(1);
  expect(run.stdout.startsWith(`${base}/api/og/v1/`)).toBe(true);
  expect(run.stderr).toContain(`from --key-file ${keyFile}, base URL from --base-url`);
  const verified = verifyCardUrl(pathOf(run.stdout), [key]);
  expect(verified.card).toMatchObject({ title: card.title, theme: { preset: "midnight" } });
  expect(() => verifyCardUrl(pathOf(run.stdout), [otherKey])).toThrow(/signed with key/);
  // The same card gives the same URL.
  const again = await runCli(
    ["sign", cardFile, "--key-file", keyFile, "--base-url", base],
    cleanEnv,
  );
  expect(again.stdout).toBe(run.stdout);
});

test("--json prints url, cardKey, keyId and form", async () => {
  const run = await runCli(
    ["sign", cardFile, "--key-file", keyFile, "--base-url", base, "--json"],
    cleanEnv,
  );
  expect(run.exitCode).toBe(exitCodes.ok);
  const result = JSON.parse(run.stdout) as Record<string, string>;
  expect(Object.keys(result).sort()).toEqual(["cardKey", "form", "keyId", "url"]);
  const verified = verifyCardUrl(pathOf(result.url ?? ""), [key]);
  expect(result).toEqual({
    url: expect.stringMatching(/^https:\/\/cards\.example\.com\/api\/og\/v1\//),
    cardKey: verified.cardKey,
    keyId: verified.keyId,
    form: "query",
  });
  // A gradient cannot be a query: the payload form.
  const gradient = writeJson(path.join(tmp, "gradient.json"), {
    title: "Gradient",
    theme: { background: { type: "linear", stops: [{ color: "#000" }, { color: "#fff" }] } },
  });
  const payload = await runCli(
    ["sign", gradient, "--key-file", keyFile, "--base-url", base, "--json"],
    cleanEnv,
  );
  expect(JSON.parse(payload.stdout)).toMatchObject({ form: expect.stringMatching(/^payload/) });
});

test("--base-url sets where the URL points (a CDN's host, a path prefix); the signature does not change", async () => {
  const direct = await runCli(
    ["sign", cardFile, "--key-file", keyFile, "--base-url", base],
    cleanEnv,
  );
  const cdn = await runCli(
    ["sign", cardFile, "--key-file", keyFile, "--base-url", "https://img.example.org/cards/"],
    cleanEnv,
  );
  expect(cdn.stdout.startsWith("https://img.example.org/cards/api/og/v1/")).toBe(true);
  expect(pathOf(cdn.stdout)).toBe(pathOf(direct.stdout));
});

test("the key comes from $CARDPRESS_OG_KEY when no --key-file is given; --key-file wins", async () => {
  const fromEnv = await runCli(["sign", cardFile, "--base-url", base], {
    [signingKeyVariable]: otherKey,
  });
  expect(fromEnv.exitCode).toBe(exitCodes.ok);
  expect(fromEnv.stderr).toContain(`from ${signingKeyVariable}`);
  expect(verifyCardUrl(pathOf(fromEnv.stdout), [otherKey]).card.title).toBe(card.title);
  const fromFile = await runCli(["sign", cardFile, "--key-file", keyFile, "--base-url", base], {
    [signingKeyVariable]: otherKey,
  });
  expect(verifyCardUrl(pathOf(fromFile.stdout), [key]).card.title).toBe(card.title);
});

describe("refusals: one line saying what to do, exit 2, nothing on stdout", () => {
  const refused = async (args: string[], env: Record<string, string | undefined> = cleanEnv) => {
    const run = await runCli(["sign", ...args], env);
    expect([run.exitCode, run.stdout]).toEqual([exitCodes.usage, ""]);
    return run.stderr;
  };

  test("no key anywhere (no flag, no variable, no local stack)", async () => {
    expect(await refused([cardFile, "--base-url", base])).toMatch(
      /no signing key: pass --key-file <file> .*pulumi stack output ogSigningKey --show-secrets.*set CARDPRESS_OG_KEY.*npm start/,
    );
  });

  test("no base URL anywhere", async () => {
    expect(await refused([cardFile, "--key-file", keyFile])).toMatch(
      /no base URL for the card's URL: pass --base-url <url>/,
    );
  });

  test("a key file that is missing or empty", async () => {
    expect(
      await refused([cardFile, "--key-file", path.join(tmp, "nope.key"), "--base-url", base]),
    ).toMatch(/cannot read the key file .*nope\.key: ENOENT/);
    const empty = path.join(tmp, "empty.key");
    fs.writeFileSync(empty, "\n");
    expect(await refused([cardFile, "--key-file", empty, "--base-url", base])).toMatch(
      /the key file .*empty\.key is empty/,
    );
  });

  test("a key too short to sign with", async () => {
    const short = path.join(tmp, "short.key");
    fs.writeFileSync(short, "too-short");
    expect(await refused([cardFile, "--key-file", short, "--base-url", base])).toMatch(
      /expected a signing key of at least 32 bytes.*received 9; fix the key given to cardpress sign/,
    );
  });

  test("a base URL that is not one", async () => {
    expect(
      await refused([cardFile, "--key-file", keyFile, "--base-url", "cards.example.com"]),
    ).toMatch(/expected an http\(s\) base URL .*received "cards\.example\.com"; fix --base-url/);
  });

  test("a batch file", async () => {
    const batch = writeJson(path.join(tmp, "batch.json"), { items: [card] });
    expect(await refused([batch, "--key-file", keyFile, "--base-url", base])).toMatch(
      /batch\.json is a batch file .*sign takes one card/,
    );
  });

  test("an invalid card", async () => {
    const invalid = writeJson(path.join(tmp, "invalid.json"), { title: "" });
    expect(await refused([invalid, "--key-file", keyFile, "--base-url", base])).toMatch(/title/);
  });

  test("a local template file that is not there", async () => {
    const local = writeJson(path.join(tmp, "local.json"), {
      template: "./quote.json",
      params: { quote: "Hi" },
    });
    expect(await refused([local, "--key-file", keyFile, "--base-url", base])).toContain(
      `template "./quote.json": no file ${path.join(tmp, "quote.json")}`,
    );
  });

  test("a card naming an asset needs storage (to upload it): none reachable is exit 3", async () => {
    const withLogo = writeJson(path.join(tmp, "logo.json"), { title: "Logo", logo: "logo.png" });
    const run = await runCli(
      ["sign", withLogo, "--key-file", keyFile, "--base-url", base],
      cleanEnv,
    );
    expect([run.exitCode, run.stdout]).toEqual([exitCodes.unavailable, ""]);
    expect(run.stderr).toMatch(/no storage connection: the local stack is not running/);
  });
});
