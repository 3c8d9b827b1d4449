// Stack configuration: Pulumi.yaml declares exactly what infra/config.ts reads, with the same defaults; bad values fail clearly.
import fs from "node:fs";
import path from "node:path";
import { load } from "js-yaml";
import { settingDefinitions } from "../../settings";
import { InfraConfigError, readInfraConfig, type ConfigSource } from "../../infra/config";

const projectDir = path.resolve(__dirname, "../..");

interface DeclaredKey {
  type: string;
  description: string;
  default: string | number;
}

const project = load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string };
  config: Record<string, DeclaredKey>;
};

function source(values: Record<string, string>): ConfigSource {
  return { get: (key) => values[key] };
}

/** A source that remembers every key the reader asks for. */
function recordingSource(): ConfigSource & { asked: Set<string> } {
  const asked = new Set<string>();
  return { asked, get: (key) => (asked.add(key), undefined) };
}

describe("Pulumi.yaml", () => {
  test("is a nodejs project whose program is infra/", () => {
    expect(project.name).toBe("cardpress");
    expect(project.runtime.name).toBe("nodejs");
    expect(project.main).toBe("infra/");
  });

  test("declares exactly the keys the program reads, each with type and description", () => {
    const reader = recordingSource();
    readInfraConfig(reader, projectDir);
    expect(Object.keys(project.config).sort()).toEqual([...reader.asked].sort());
    for (const [key, declared] of Object.entries(project.config)) {
      expect([key, ["string", "integer"].includes(declared.type)]).toEqual([key, true]);
      expect([key, declared.description.length > 10]).toEqual([key, true]);
    }
  });

  test("its defaults are the program's defaults (and the functions' setting defaults)", () => {
    const fromDeclaredDefaults = readInfraConfig(
      source(
        Object.fromEntries(
          Object.entries(project.config).map(([key, declared]) => [key, String(declared.default)]),
        ),
      ),
      projectDir,
    );
    expect(fromDeclaredDefaults).toEqual(readInfraConfig(source({}), projectDir));
    expect(fromDeclaredDefaults.settings).toEqual(
      Object.fromEntries(
        Object.entries(settingDefinitions).map(([name, definition]) => [name, definition.default]),
      ),
    );
  });

  test("numeric app settings are declared as integers", () => {
    expect(project.config.retentionHours?.type).toBe("integer");
    expect(project.config.pruneSchedule?.type).toBe("string");
    expect(project.config.plan?.type).toBe("string");
    expect(project.config.flexNodeVersion?.type).toBe("string");
    expect(project.config.flexInstanceMemoryMb?.type).toBe("integer");
    expect(project.config.flexMaximumInstanceCount?.type).toBe("integer");
  });

  test("Pulumi.dev.yaml holds valid values for this project only", () => {
    const dev = load(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, string>;
    };
    const keys = Object.keys(dev.config);
    expect(keys.every((key) => key.startsWith("cardpress:"))).toBe(true);
    const values = Object.fromEntries(
      keys.map((key) => [key.slice("cardpress:".length), String(dev.config[key])]),
    );
    expect(Object.keys(values).every((key) => key in project.config)).toBe(true);
    expect(() => readInfraConfig(source(values), projectDir)).not.toThrow();
  });
});

describe("readInfraConfig", () => {
  test("applies overrides to the app settings and resolves the package folder", () => {
    const config = readInfraConfig(
      source({
        location: "eastus2",
        packagePath: "build/pkg",
        chunkSize: "50",
        sasTtlMinutes: "15",
        softDeleteDays: "14",
      }),
      "/repo",
    );
    expect(config.location).toBe("eastus2");
    expect(config.packageDir).toBe(path.resolve("/repo", "build/pkg"));
    expect(config.softDeleteDays).toBe(14);
    expect(config.settings.CHUNK_SIZE).toBe(50);
    expect(config.settings.SAS_TTL_MINUTES).toBe(15);
    expect(config.settings.RETENTION_HOURS).toBe(settingDefinitions.RETENTION_HOURS.default);
  });

  test("the hosting plan is Linux Consumption unless `flex` is asked for", () => {
    expect(readInfraConfig(source({}), projectDir)).toMatchObject({
      plan: "consumption",
      flex: { nodeVersion: "22", instanceMemoryMb: 2048, maximumInstanceCount: 100 },
    });
    expect(readInfraConfig(source({ plan: "consumption" }), projectDir).plan).toBe("consumption");
  });

  test("reads the Flex Consumption options, memory as a number", () => {
    const config = readInfraConfig(
      source({
        plan: "flex",
        flexNodeVersion: "24",
        flexInstanceMemoryMb: "4096",
        flexMaximumInstanceCount: "1000",
      }),
      projectDir,
    );
    expect(config.plan).toBe("flex");
    expect(config.flex).toEqual({
      nodeVersion: "24",
      instanceMemoryMb: 4096,
      maximumInstanceCount: 1000,
    });
    expect(
      readInfraConfig(source({ flexMaximumInstanceCount: "1" }), projectDir).flex,
    ).toMatchObject({ maximumInstanceCount: 1 });
  });

  test.each([
    ["chunkSize", "0", /expected number to be >=1/],
    ["chunkSize", "many", /expected number/],
    ["retentionHours", "1.5", /expected int/],
    ["pruneSchedule", "0 * * * *", /6-field NCRONTAB/],
    ["softDeleteDays", "0", /integer from 1 to 365/],
    ["logRetentionDays", "7", /integer from 30 to 730/],
    ["location", "West Europe", /region name in lower case/],
    ["plan", "premium", /expected one of "consumption", "flex"/],
    ["plan", "Flex", /expected one of "consumption", "flex"/],
    ["flexNodeVersion", "20", /expected one of "22", "24"/],
    ["flexNodeVersion", "22.1", /expected one of "22", "24"/],
    ["flexInstanceMemoryMb", "512", /expected one of "2048", "4096"/],
    ["flexMaximumInstanceCount", "0", /integer from 1 to 1000/],
    ["flexMaximumInstanceCount", "1001", /integer from 1 to 1000/],
    ["flexMaximumInstanceCount", "50.5", /integer from 1 to 1000/],
  ])("rejects %s = %j naming key, value and what is allowed", (key, value, allowed) => {
    const read = () => readInfraConfig(source({ [key]: value }), projectDir);
    expect(read).toThrow(InfraConfigError);
    expect(read).toThrow(`config cardpress:${key} = ${JSON.stringify(value)} is not allowed`);
    expect(read).toThrow(allowed);
  });
});
