// The local stack's dev signing key for card URLs: 32 random bytes, created once per user and kept beside the stack registry.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LocalStackError } from "./errors";
import { stackRegistryDir } from "./stackFile";

export const ogKeyFileName = "og-signing-key";

/** The dev key file is not a key this stack wrote (edited, truncated): named, with the fix. */
export class LocalSigningKeyError extends LocalStackError {
  override name = "LocalSigningKeyError";
}

/** 32 random bytes as base64url: 43 characters, the form docs/og-urls.md recommends. */
const keyPattern = /^[A-Za-z0-9_-]{43,}$/;

/** Where the dev key lives: the per-user registry folder (CARDPRESS_STATE_DIR when set), beside local-stack.json. */
export function localSigningKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackRegistryDir(env), ogKeyFileName);
}

function readKey(file: string): string {
  const key = readFileSync(file, "utf8").trim();
  if (!keyPattern.test(key)) {
    throw new LocalSigningKeyError(
      `${file} does not hold a signing key (expected at least 43 base64url characters, received ${key.length} characters); delete it and start the stack again to create a new dev key (URLs signed with the old one then answer 403)`,
    );
  }
  return key;
}

/**
 * The local stack's dev key for card URLs (`cardpress sign` signs with it, the local host verifies
 * with it): read from its file, or created there on first use (mode 0600, linked into place, so
 * two processes starting at once agree on one key). It survives restarts and `--in-memory` stacks.
 */
export function localSigningKey(env: NodeJS.ProcessEnv = process.env): string {
  const file = localSigningKeyPath(env);
  try {
    return readKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside, then linked into place: the key file appears whole or not at all, and a
  // second process starting at the same moment finds the first one's (EEXIST) instead of its own.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${ephemeralSigningKey()}\n`, { mode: 0o600 });
  try {
    linkSync(partial, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(partial, { force: true });
  }
  return readKey(file);
}

/**
 * A new key, 32 random bytes as base64url: what the dev key file is created with, and a throwaway
 * stack's key (in memory, not recorded: tests), which is never written anywhere.
 */
export function ephemeralSigningKey(): string {
  return randomBytes(32).toString("base64url");
}
