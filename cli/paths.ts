// Where the CLI finds the package's own files and the local stack's state folder.
import { existsSync } from "node:fs";
import path from "node:path";

/** The folder holding cardpress's package.json, from source (tsx) or from dist/ alike. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "host.json"))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`cardpress: no package.json with host.json above ${__dirname}`);
    }
  }
}

/**
 * The local stack's default data folder's parent (`azurite/` inside; the registry of the running
 * stack is per user, see local/stackFile.ts): `.cardpress/` in the current folder,
 * or CARDPRESS_STATE_DIR (tests use a temporary folder so they never touch a running stack).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CARDPRESS_STATE_DIR ?? ".cardpress");
}
