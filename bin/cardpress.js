#!/usr/bin/env node
// The `cardpress` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
require("../dist/cli/main.js");
