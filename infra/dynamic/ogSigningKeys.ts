// The signing keys of card URLs (GET /api/og/…) as a Pulumi dynamic resource: generated once, rotated on request, the outgoing key kept as the previous one; secret outputs.
// Its provider is serialized by Pulumi: it uses only node:crypto and throws nothing of its own.
import { createHmac, randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface OgSigningKeysArgs {
  /**
   * `cardpress:ogKeyRotation`: any change generates a new current key (docs/deploy.md, "og:image
   * URLs"). The number itself means nothing; counting up is the convention.
   */
  rotation: pulumi.Input<number>;
  /**
   * `cardpress:ogPreviousKey` is `keep` (the default): a rotation keeps the outgoing key as the
   * previous one, so URLs signed with it still verify. `drop`: no previous key (a leaked key).
   */
  keepPrevious: pulumi.Input<boolean>;
}

export interface OgSigningKeysInputs {
  rotation: number;
  keepPrevious: boolean;
}

export interface OgSigningKeysOutputs extends OgSigningKeysInputs {
  /** The key new URLs are signed with: 32 random bytes as base64url (43 characters). Secret. */
  current: string;
  /** The key before the last rotation, still accepted; "" when there is none. Secret. */
  previous: string;
  /** The ids URLs carry (`…/v1/<key id>.<signature>…`): public by design, as signing/keys.ts derives them. */
  currentKeyId: string;
  previousKeyId: string;
  rotatedAt: string;
}

/** Bytes of a generated key: the URL format asks for at least 32 (docs/og-urls.md). */
export const generatedKeyBytes = 32;

/**
 * Everything the provider does, in one function so the serialized provider needs no other module
 * of this project: the next state from the last one (undefined on create) and the inputs.
 */
function nextKeys(
  olds: Partial<OgSigningKeysOutputs> | undefined,
  news: OgSigningKeysInputs,
): OgSigningKeysOutputs {
  // keyIdOf in signing/keys.ts, repeated here because serialized code cannot import it
  // (tests/infra/ogSigningKeys.test.ts checks that both agree).
  const keyIdOf = (key: string): string =>
    key === ""
      ? ""
      : createHmac("sha256", Buffer.from(key, "utf8"))
          .update("cardpress key id")
          .digest("base64url")
          .slice(0, 8);
  const usable = (key: unknown): key is string =>
    typeof key === "string" && Buffer.byteLength(key, "utf8") >= generatedKeyBytes;
  const kept =
    olds !== undefined && olds.rotation === news.rotation && usable(olds.current)
      ? olds.current
      : undefined;
  const current = kept ?? randomBytes(generatedKeyBytes).toString("base64url");
  // On a rotation the outgoing current key becomes the previous one; otherwise the previous stays.
  const outgoing = kept === undefined ? olds?.current : olds?.previous;
  const previous = news.keepPrevious && usable(outgoing) ? outgoing : "";
  return {
    rotation: news.rotation,
    keepPrevious: news.keepPrevious,
    current,
    previous,
    currentKeyId: keyIdOf(current),
    previousKeyId: keyIdOf(previous),
    rotatedAt: (kept !== undefined && olds?.rotatedAt) || new Date().toISOString(),
  };
}

/**
 * Never replaced: a replacement would create a fresh resource with no previous key, breaking every
 * published URL at once. A change of `rotation` or `keepPrevious` is an update that sees the old
 * keys. Deleting it (pulumi destroy) forgets the keys: URLs signed with them stop verifying.
 */
export const ogSigningKeysProvider: pulumi.dynamic.ResourceProvider<
  OgSigningKeysInputs,
  OgSigningKeysOutputs
> = {
  async create(inputs) {
    return { id: "cardpress-og-signing-keys", outs: nextKeys(undefined, inputs) };
  },
  async diff(_id, olds, news) {
    const changes =
      olds.rotation !== news.rotation ||
      olds.keepPrevious !== news.keepPrevious ||
      typeof olds.current !== "string" ||
      olds.current === "";
    return { changes, replaces: [], deleteBeforeReplace: false };
  },
  async update(_id, olds, news) {
    return { outs: nextKeys(olds, news) };
  },
  async delete() {},
};

export class OgSigningKeys extends pulumi.dynamic.Resource {
  /** Raw output; read the keys through `currentKey` / `previousKey`, which are marked secret. */
  declare public readonly current: pulumi.Output<string>;
  declare public readonly previous: pulumi.Output<string>;
  declare public readonly currentKeyId: pulumi.Output<string>;
  declare public readonly previousKeyId: pulumi.Output<string>;

  /** The key new URLs are signed with; a secret. */
  public readonly currentKey: pulumi.Output<string>;
  /** The key still accepted after a rotation ("" when none); a secret. */
  public readonly previousKey: pulumi.Output<string>;

  constructor(name: string, args: OgSigningKeysArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ogSigningKeysProvider,
      name,
      {
        ...args,
        current: undefined,
        previous: undefined,
        currentKeyId: undefined,
        previousKeyId: undefined,
        rotatedAt: undefined,
      },
      {
        ...opts,
        // The engine encrypts them in the state; the provider itself never sees a secret input.
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "current", "previous"],
      },
    );
    this.currentKey = pulumi.secret(this.current);
    this.previousKey = pulumi.secret(this.previous);
  }
}
