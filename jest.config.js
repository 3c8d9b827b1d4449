// Jest configuration: TypeScript through SWC (type checking is `npm run typecheck`); quiet when passing.
/** @type {import('jest').Config} */
module.exports = {
  // Console output of a passing test is dropped, a failing test's printed in full
  // (tests/support/quietEnvironment.ts; CARDPRESS_TEST_CONSOLE=all shows everything).
  testEnvironment: "<rootDir>/tests/support/quietEnvironment.ts",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }],
    // yoga-layout ships ES modules only; Node ≥ 20.19 require()s them, Jest's own loader does not.
    "/node_modules/yoga-layout/.+\\.js$": [
      "@swc/jest",
      { jsc: { target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!yoga-layout/)"],
  // Every skipped test is listed at the end with its reason.
  reporters: ["default", "<rootDir>/tests/support/skippedTestsReporter.js"],
  // Above tests/support/eventually.ts's default wait (45 s), so a wait that runs out says what it waited for.
  testTimeout: 90_000,
  // @azure/functions' "test mode" warnings dropped (functions/host/quietAzureFunctions.ts; after the
  // environment's setup, which replaces console methods); no test touches the user's running
  // local stack (tests/support/isolatedStackRegistry.ts).
  setupFilesAfterEnv: [
    "<rootDir>/functions/host/quietAzureFunctions.ts",
    "<rootDir>/tests/support/isolatedStackRegistry.ts",
  ],
  maxWorkers: 2,
};
