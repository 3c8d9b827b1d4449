// The card-URL signing-key provider as the Pulumi engine runs it (serialized): generation, rotation that keeps published URLs verifying, dropping a leaked key, and the config that drives it.
import path from "node:path";
import {
  generatedKeyBytes,
  ogSigningKeysProvider,
  type OgSigningKeysInputs,
  type OgSigningKeysOutputs,
} from "../../infra/dynamic/ogSigningKeys";
import { InfraConfigError, readInfraConfig } from "../../infra/config";
import { BadSignatureError, keyIdOf, signCardUrl, verifyCardUrl } from "../../signing";
import { loadSerializedProvider } from "./support/serializedProvider";

type Provider = typeof ogSigningKeysProvider;
let provider: Provider;

beforeAll(async () => {
  provider = await loadSerializedProvider(ogSigningKeysProvider);
});

const id = "cardpress-og-signing-keys";

async function create(inputs: OgSigningKeysInputs): Promise<OgSigningKeysOutputs> {
  const created = await provider.create?.(inputs);
  if (!created?.outs) throw new Error("the provider created nothing");
  return created.outs as OgSigningKeysOutputs;
}

/** What `pulumi up` does with new inputs: diff, then update only if the diff says so. */
async function up(
  olds: OgSigningKeysOutputs,
  news: OgSigningKeysInputs,
): Promise<{ outs: OgSigningKeysOutputs; changed: boolean }> {
  const diff = await provider.diff?.(id, olds, news);
  expect(diff?.replaces ?? []).toEqual([]);
  if (!diff?.changes) return { outs: olds, changed: false };
  const updated = await provider.update?.(id, olds, news);
  return { outs: updated?.outs as OgSigningKeysOutputs, changed: true };
}

const card = { title: "Rotation keeps this URL working", theme: { preset: "midnight" } } as const;
const baseUrl = "https://cards.example.com";

/** GET /api/og's check: the deployment's keys as the app settings carry them ("" = none). */
function verifiesWith(url: string, keys: OgSigningKeysOutputs): boolean {
  const { pathname, search } = new URL(url);
  const configured = [keys.current, keys.previous].filter((key) => key !== "");
  try {
    verifyCardUrl(pathname + search, configured);
    return true;
  } catch (error) {
    if (error instanceof BadSignatureError) return false;
    throw error;
  }
}

test("create: a 32-byte random key as base64url, its id as signing derives it, no previous key", async () => {
  const keys = await create({ rotation: 0, keepPrevious: true });
  expect(keys.current).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(Buffer.from(keys.current, "base64url")).toHaveLength(generatedKeyBytes);
  expect(keys.currentKeyId).toBe(keyIdOf(keys.current));
  expect(keys).toMatchObject({ previous: "", previousKeyId: "", rotation: 0, keepPrevious: true });
  const other = await create({ rotation: 0, keepPrevious: true });
  expect(other.current).not.toBe(keys.current);
});

test("an up with the same config changes nothing: the key stays", async () => {
  const keys = await create({ rotation: 0, keepPrevious: true });
  const { outs, changed } = await up(keys, { rotation: 0, keepPrevious: true });
  expect(changed).toBe(false);
  expect(outs.current).toBe(keys.current);
});

test("rotation: a new current key, the old one kept as previous, so a published URL still verifies; the next rotation retires it", async () => {
  const first = await create({ rotation: 0, keepPrevious: true });
  const published = signCardUrl(card, { key: first.current, baseUrl });
  expect(verifiesWith(published, first)).toBe(true);

  const second = (await up(first, { rotation: 1, keepPrevious: true })).outs;
  expect(second.current).not.toBe(first.current);
  expect(second).toMatchObject({ previous: first.current, previousKeyId: first.currentKeyId });
  expect(second.currentKeyId).toBe(keyIdOf(second.current));
  expect(verifiesWith(published, second)).toBe(true);
  const republished = signCardUrl(card, { key: second.current, baseUrl });
  expect(republished).not.toBe(published);

  const third = (await up(second, { rotation: 2, keepPrevious: true })).outs;
  expect(third.previous).toBe(second.current);
  expect(verifiesWith(published, third)).toBe(false);
  expect(verifiesWith(republished, third)).toBe(true);
});

test("a leaked key: rotating with ogPreviousKey drop leaves no previous key, so its URLs answer 403", async () => {
  const first = await create({ rotation: 0, keepPrevious: true });
  const leakedUrl = signCardUrl(card, { key: first.current, baseUrl });
  const { outs } = await up(first, { rotation: 1, keepPrevious: false });
  expect(outs.current).not.toBe(first.current);
  expect(outs).toMatchObject({ previous: "", previousKeyId: "" });
  expect(verifiesWith(leakedUrl, outs)).toBe(false);
});

test("retiring the previous key without rotating keeps the current one; keep again does not bring it back", async () => {
  const first = await create({ rotation: 0, keepPrevious: true });
  const rotated = (await up(first, { rotation: 1, keepPrevious: true })).outs;
  const dropped = await up(rotated, { rotation: 1, keepPrevious: false });
  expect(dropped.changed).toBe(true);
  expect(dropped.outs).toMatchObject({ current: rotated.current, previous: "" });
  const kept = (await up(dropped.outs, { rotation: 1, keepPrevious: true })).outs;
  expect(kept).toMatchObject({ current: rotated.current, previous: "" });
});

test("a state without a usable key (a failed create) gets a fresh one on the next up", async () => {
  const broken = { ...(await create({ rotation: 0, keepPrevious: true })), current: "" };
  const { outs, changed } = await up(broken, { rotation: 0, keepPrevious: true });
  expect(changed).toBe(true);
  expect(outs.current).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(outs.previous).toBe("");
});

describe("config", () => {
  const projectDir = path.resolve(__dirname, "../..");
  const read = (values: Record<string, string>) =>
    readInfraConfig({ get: (key) => values[key] }, projectDir).ogKeys;

  test("defaults: rotation 0, keep the previous key", () => {
    expect(read({})).toEqual({ rotation: 0, keepPrevious: true });
    expect(read({ ogKeyRotation: "7", ogPreviousKey: "drop" })).toEqual({
      rotation: 7,
      keepPrevious: false,
    });
  });

  test("a bad value stops pulumi up naming the key and what is allowed", () => {
    expect(() => read({ ogKeyRotation: "next" })).toThrow(InfraConfigError);
    expect(() => read({ ogKeyRotation: "-1" })).toThrow(
      'config cardpress:ogKeyRotation = "-1" is not allowed: expected an integer from 0 to 1000000',
    );
    // A key pasted where the choice goes is refused, not taken for "keep".
    expect(() => read({ ogPreviousKey: "c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk" })).toThrow(
      /config cardpress:ogPreviousKey = .* is not allowed: expected one of "keep", "drop"/,
    );
  });
});
