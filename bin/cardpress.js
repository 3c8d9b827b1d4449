#!/usr/bin/env node
// The `cardpress` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
// main.js only runs itself when it is the entry module, so it is called explicitly here.
void require("../dist/cli/main.js").main();
