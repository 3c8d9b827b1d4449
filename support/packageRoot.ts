// Where cardpress's own files are (package.json, host.json, fonts, examples), from source or from dist/.
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
