#!/usr/bin/env node
// The `cardpress` command: runs the compiled CLI in dist/ (built by `npm ci` in a clone, shipped in the npm package).
// Node 22.1+ keeps compiled code of the CLI and its dependencies on disk between runs (faster start);
// older versions have no such API and start as before.
require("node:module").enableCompileCache?.();
// main.js only runs itself when it is the entry module, so it is called explicitly here.
void require("../dist/cli/main.js").main();
