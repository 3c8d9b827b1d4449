// Reads and validates the stack configuration once into a typed object; a bad value fails naming key, value and what is allowed.
import path from "node:path";
import { readSettingsFrom, type SettingName, type Settings } from "../settings";
import { InfraError } from "./errors";

/** Where configuration comes from: a `pulumi.Config` in the program, a plain map in tests. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface InfraConfig {
  /** Azure region of every resource. */
  location: string;
  /** Absolute path of the deployment folder built by `npm run package`. */
  packageDir: string;
  /** Days deleted blobs and containers stay recoverable (soft delete). */
  softDeleteDays: number;
  /** Days the Log Analytics workspace keeps Application Insights data. */
  logRetentionDays: number;
  /** The functions' app settings (settings/index.ts), with the stack's overrides applied. */
  settings: Settings;
  /** Which hosting plan runs the app (`cardpress:plan`); docs/deploy.md, "Choosing a plan". */
  plan: HostingPlanName;
  /** Flex Consumption's runtime and scaling; read (and validated) whichever plan is chosen. */
  flex: FlexOptions;
  /** How the signing keys of card URLs are rotated (infra/dynamic/ogSigningKeys.ts). */
  ogKeys: OgKeyOptions;
}

/** `keep`: a rotation keeps the outgoing key as the previous one; `drop`: no previous key. */
export const ogPreviousKeyChoices = ["keep", "drop"] as const;

export interface OgKeyOptions {
  /** `cardpress:ogKeyRotation`: changing it generates a new current key. */
  rotation: number;
  /** `cardpress:ogPreviousKey` is `keep` (the default) rather than `drop`. */
  keepPrevious: boolean;
}

/** `consumption`: Linux Consumption (Y1), the default; `flex`: Flex Consumption (FC1). */
export const hostingPlanNames = ["consumption", "flex"] as const;
export type HostingPlanName = (typeof hostingPlanNames)[number];

/**
 * Node major versions offered on Flex Consumption: 22 (supported until 2027-04-30) and 24. Node 20
 * left support on 2026-04-30. Extend this list when Azure Functions' supported-languages table
 * adds a version (functions-versions.md, "Languages").
 */
export const flexNodeVersions = ["22", "24"] as const;
export type FlexNodeVersion = (typeof flexNodeVersions)[number];

/**
 * Instance memory sizes of Flex Consumption this app can run on. Azure also offers 512 MB, which
 * is left out: the worker's measured peak RSS under load is 655–711 MiB (docs/reliability.md).
 */
export const flexInstanceMemorySizes = { "2048": 2048, "4096": 4096 } as const;
export type FlexInstanceMemoryMb =
  (typeof flexInstanceMemorySizes)[keyof typeof flexInstanceMemorySizes];

export interface FlexOptions {
  /** `functionAppConfig.runtime.version`: the Node major version. */
  nodeVersion: FlexNodeVersion;
  /** `functionAppConfig.scaleAndConcurrency.instanceMemoryMB`. */
  instanceMemoryMb: FlexInstanceMemoryMb;
  /** `functionAppConfig.scaleAndConcurrency.maximumInstanceCount`: the scale-out ceiling. */
  maximumInstanceCount: number;
}

/** The project's config namespace (the `name` in Pulumi.yaml). */
export const configNamespace = "cardpress";

/** Limits of the infrastructure's own integer keys: what Azure accepts, not a taste. */
export const integerKeyLimits = {
  /** Blob and container soft delete accept 1–365 days. */
  softDeleteDays: { default: 7, min: 1, max: 365 },
  /** PerGB2018 workspaces retain 30–730 days. */
  logRetentionDays: { default: 30, min: 30, max: 730 },
  /**
   * Flex Consumption accepts a maximum instance count of 1–1000 and defaults to 100
   * (event-driven-scaling.md, "Limit scale-out"; older pages say the lowest is 40).
   */
  flexMaximumInstanceCount: { default: 100, min: 1, max: 1000 },
  /** A counter, not a quantity: any change rotates the card-URL signing key. */
  ogKeyRotation: { default: 0, min: 0, max: 1_000_000 },
} as const;

export const infraDefaults = {
  location: "westeurope",
  packagePath: "package",
  plan: "consumption",
  flexNodeVersion: "22",
  flexInstanceMemoryMb: "2048",
  ogPreviousKey: "keep",
} as const;

/** Thrown when a config value is outside what is allowed; the message is meant for the person running `pulumi up`. */
export class InfraConfigError extends InfraError {
  override name = "InfraConfigError";
}

/** `RETENTION_HOURS` → `retentionHours`: each app setting is overridable by the config key of the same name in camelCase. */
export function configKeyForSetting(settingName: SettingName): string {
  return settingName
    .toLowerCase()
    .replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function reject(key: string, value: string, allowed: string): never {
  throw new InfraConfigError(
    `config ${configNamespace}:${key} = ${JSON.stringify(value)} is not allowed: ${allowed}`,
  );
}

function readInteger(source: ConfigSource, key: keyof typeof integerKeyLimits): number {
  const limits = integerKeyLimits[key];
  const raw = source.get(key);
  if (raw === undefined || raw === "") return limits.default;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    reject(key, raw, `expected an integer from ${limits.min} to ${limits.max}`);
  }
  return value;
}

function readLocation(source: ConfigSource): string {
  const raw = source.get("location");
  if (raw === undefined || raw === "") return infraDefaults.location;
  // Region names as ARM spells them: `westeurope`, `eastus2`; display names ("West Europe") are not accepted by every API.
  if (!/^[a-z][a-z0-9]{2,}$/.test(raw)) {
    reject(
      "location",
      raw,
      "expected an Azure region name in lower case without spaces, e.g. westeurope",
    );
  }
  return raw;
}

/** A key whose value is one of a fixed list. */
function readChoice<Choice extends string>(
  source: ConfigSource,
  key: string,
  choices: readonly Choice[],
  fallback: Choice,
): Choice {
  const raw = source.get(key);
  if (raw === undefined || raw === "") return fallback;
  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) {
    reject(key, raw, `expected one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`);
  }
  return choice;
}

function readFlexOptions(source: ConfigSource): FlexOptions {
  const memory = readChoice(
    source,
    "flexInstanceMemoryMb",
    Object.keys(flexInstanceMemorySizes) as (keyof typeof flexInstanceMemorySizes)[],
    infraDefaults.flexInstanceMemoryMb,
  );
  return {
    nodeVersion: readChoice(
      source,
      "flexNodeVersion",
      flexNodeVersions,
      infraDefaults.flexNodeVersion,
    ),
    instanceMemoryMb: flexInstanceMemorySizes[memory],
    maximumInstanceCount: readInteger(source, "flexMaximumInstanceCount"),
  };
}

function readOgKeyOptions(source: ConfigSource): OgKeyOptions {
  return {
    rotation: readInteger(source, "ogKeyRotation"),
    keepPrevious:
      readChoice(source, "ogPreviousKey", ogPreviousKeyChoices, infraDefaults.ogPreviousKey) ===
      "keep",
  };
}

/** The app settings through the settings layer's own reader, each under its config key; a bad value names the key. */
function readSettingOverrides(source: ConfigSource): Settings {
  return readSettingsFrom(
    (name) => source.get(configKeyForSetting(name)),
    ({ name, raw, problems, description }) =>
      reject(configKeyForSetting(name), raw, `${problems} (app setting ${name}: ${description})`),
  );
}

/**
 * Reads every key once. `projectDir` anchors a relative `packagePath` (Pulumi runs the program
 * from the project folder, tests from anywhere).
 */
export function readInfraConfig(source: ConfigSource, projectDir: string): InfraConfig {
  const settings = readSettingOverrides(source);
  const packagePath = source.get("packagePath") || infraDefaults.packagePath;
  return {
    location: readLocation(source),
    packageDir: path.resolve(projectDir, packagePath),
    softDeleteDays: readInteger(source, "softDeleteDays"),
    logRetentionDays: readInteger(source, "logRetentionDays"),
    settings,
    plan: readChoice(source, "plan", hostingPlanNames, infraDefaults.plan),
    flex: readFlexOptions(source),
    ogKeys: readOgKeyOptions(source),
  };
}
