// Where `cardpress sign` gets its signing key and base URL: flags, the environment, a Pulumi stack, or the running local stack.
import fs from "node:fs";
import { z } from "zod";
import { deployedHostConfig, names } from "../settings";
import { UserError } from "./errors";
import { exitCodes } from "./exitCodes";

export interface SigningSetupFlags {
  /** `--base-url`: where the og route answers (the Function App, or a CDN in front of it). */
  baseUrl?: string;
  /** `--key-file`: a file holding the signing key (surrounding whitespace ignored). */
  keyFile?: string;
  /** `--stack`: a Pulumi stack whose outputs give the key and the base URL. */
  stack?: string;
}

export interface SigningSetup {
  key: string;
  /** Where the key came from, for the "signing with …" line. */
  keySource: string;
  baseUrl: string;
  baseSource: string;
}

/** The environment variable holding the current signing key (the Function App's app setting of the same name). */
export const signingKeyVariable = names.ogKeySettings.current;

/** Pulumi stack outputs `sign --stack` reads (infra/index.ts exports them; the key as a secret). */
export const stackSigningOutputs = { key: "ogSigningKey", baseUrl: "ogBaseUrl" } as const;

/** No key from any source: says every way to give one. */
export class SigningKeyMissingError extends UserError {
  override name = "SigningKeyMissingError";
}

/** No base URL from any source. */
export class SigningBaseUrlMissingError extends UserError {
  override name = "SigningBaseUrlMissingError";
}

/** `--key-file` cannot be read, or holds nothing. */
export class KeyFileError extends UserError {
  override name = "KeyFileError";
}

/** What the running local stack offers for signing: its base URL and its dev key. */
export interface LocalStackSigning {
  baseUrl: string;
  key: string | undefined;
  /** The stack's pid, for the "using …" line. */
  pid: number;
}

/**
 * An API base URL (`http://localhost:7071/api`) as the og route's base URL (`http://localhost:7071`):
 * without host.json's route prefix, which the local host's httpUrl ends with.
 */
export function baseUrlOfApi(apiUrl: string): string {
  const routePrefix = `/${deployedHostConfig().routePrefix}`;
  const trimmed = apiUrl.replace(/\/+$/, "");
  return trimmed.endsWith(routePrefix) ? trimmed.slice(0, -routePrefix.length) : trimmed;
}

/**
 * The running local stack's base URL and dev key (the key it verifies with, recorded in its
 * registry entry), or undefined when no stack runs. Not the dev key file when no stack runs: a
 * URL signed then with `--base-url` would be a production page's URL signed with a dev key.
 */
export async function localStackSigning(
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalStackSigning | undefined> {
  const { readStackFile } = await import("../local");
  const info = readStackFile(env);
  if (!info) return undefined;
  return { baseUrl: baseUrlOfApi(info.httpUrl), key: info.ogSigningKey, pid: info.pid };
}

function readKeyFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new KeyFileError(
      `cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path`,
    );
  }
  const key = text.trim();
  if (!key) {
    throw new KeyFileError(
      `the key file ${file} is empty; write the signing key into it (pulumi stack output ${stackSigningOutputs.key} --show-secrets > ${file})`,
    );
  }
  return key;
}

const stackOutputsSchema = z.looseObject({
  [stackSigningOutputs.key]: z.string().min(1).optional(),
  [stackSigningOutputs.baseUrl]: z.string().min(1).optional(),
});

async function fromPulumiStack(stack: string): Promise<{ key?: string; baseUrl?: string }> {
  const { readPulumiStackOutputs } = await import("./connection");
  const outputs = readPulumiStackOutputs(stack, stackOutputsSchema);
  const key = outputs[stackSigningOutputs.key];
  const baseUrl = outputs[stackSigningOutputs.baseUrl];
  return { ...(key ? { key } : {}), ...(baseUrl ? { baseUrl } : {}) };
}

const howToGiveAKey = `pass --key-file <file> (for a deployment: pulumi stack output ${stackSigningOutputs.key} --show-secrets > og.key), set ${signingKeyVariable}, use --stack <name>, or start the local stack (npm start), which has a dev key`;

/**
 * The key and base URL, each from the first source that has one: the key from --key-file, then
 * $CARDPRESS_OG_KEY, then --stack's outputs, then the running local stack's dev key; the base URL
 * from --base-url, then --stack, then the local stack. Sources are read only when needed: with
 * both flags given, nothing else is.
 */
export async function resolveSigningSetup(
  flags: SigningSetupFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SigningSetup> {
  let key: { value: string; source: string } | undefined;
  if (flags.keyFile)
    key = { value: readKeyFile(flags.keyFile), source: `--key-file ${flags.keyFile}` };
  else if (env[signingKeyVariable])
    key = { value: env[signingKeyVariable], source: signingKeyVariable };
  let base = flags.baseUrl ? { value: flags.baseUrl, source: "--base-url" } : undefined;
  if ((!key || !base) && flags.stack) {
    const stack = await fromPulumiStack(flags.stack);
    const source = `Pulumi stack ${flags.stack}`;
    if (!key && stack.key) key = { value: stack.key, source };
    if (!base && stack.baseUrl) base = { value: stack.baseUrl, source };
  }
  if (!key || !base) {
    const local = await localStackSigning(env);
    const source = local ? `the local stack (npm start, pid ${local.pid})` : "";
    if (!key && local?.key) key = { value: local.key, source };
    if (!base && local) base = { value: local.baseUrl, source };
  }
  if (!key) {
    throw new SigningKeyMissingError(`no signing key: ${howToGiveAKey}`, exitCodes.usage);
  }
  if (!base) {
    throw new SigningBaseUrlMissingError(
      `no base URL for the card's URL: pass --base-url <url> (where the Function App or your CDN answers, e.g. https://cards.example.com), use --stack <name>, or start the local stack (npm start)`,
      exitCodes.usage,
    );
  }
  return { key: key.value, keySource: key.source, baseUrl: base.value, baseSource: base.source };
}
