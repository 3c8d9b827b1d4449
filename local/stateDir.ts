// Where the local stack keeps its state: the data folder's parent.
import path from "node:path";

/**
 * The local stack's default data folder's parent (`azurite/` inside; the registry of the running
 * stack is per user, see local/stackFile.ts): `.cardpress/` in the current folder,
 * or CARDPRESS_STATE_DIR (tests use a temporary folder so they never touch a running stack).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CARDPRESS_STATE_DIR ?? ".cardpress");
}
