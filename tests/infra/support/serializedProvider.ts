// Loads a dynamic provider the way the Pulumi engine runs it: serialized by serializeFunction, then compiled as a plain Node module (as require-from-string does).
import Module from "node:module";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";

interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  _compile(code: string, filename: string): void;
}

/** Node's Module internals that require-from-string (what the engine's dynamic-provider host uses) relies on. */
const NodeModule = Module as unknown as {
  new (id: string): CompilableModule;
  _nodeModulePaths(directory: string): string[];
};

/**
 * The provider's serialized text, compiled in Node's own context (not jest's sandbox), exactly
 * as `@pulumi/pulumi/cmd/dynamic-provider` does: `requireFromString(text).handler()`. What it
 * throws is what the engine would print (`e.message`).
 */
export async function loadSerializedProvider<Inputs, Outputs>(
  provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs>,
): Promise<pulumi.dynamic.ResourceProvider<Inputs, Outputs>> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, {
    allowSecrets: true,
  });
  const filename = path.resolve(__dirname, "../../../serialized-provider.js");
  const compiled = new NodeModule(filename);
  compiled.filename = filename;
  compiled.paths = NodeModule._nodeModulePaths(path.dirname(filename));
  compiled._compile(serialized.text, filename);
  const { handler } = compiled.exports as {
    handler: () => pulumi.dynamic.ResourceProvider<Inputs, Outputs>;
  };
  return handler();
}
