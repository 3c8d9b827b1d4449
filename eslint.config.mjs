// Lint rules: typescript-eslint's recommended set; `any` is forbidden in our code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "out/", "node_modules/", ".cardpress/", "coverage/", "package/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Each layer is entered through its public module (docs/architecture.md): production code of
    // one layer may not import another layer's internal files. Tests, benchmarks and scripts may.
    files: [
      "renderer/**/*.ts",
      "jobs/**/*.ts",
      "functions/**/*.ts",
      "cli/**/*.ts",
      "local/**/*.ts",
      "infra/**/*.ts",
      "settings/**/*.ts",
      "support/**/*.ts",
      "signing/**/*.ts",
      "index.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...[
              "renderer",
              "jobs",
              "local",
              "settings",
              "support",
              "signing",
              "functions/host",
            ].map((layer) => ({
              group: [`**/${layer}/*`],
              message: `import ${layer}/ through its public module (${layer}/index.ts); see docs/architecture.md`,
            })),
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "require",
          "module",
          "process",
          "__dirname",
          "console",
          "performance",
          "Buffer",
          "setImmediate",
        ].map((name) => [name, "readonly"]),
      ),
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
