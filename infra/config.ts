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
}

/** The project's config namespace (the `name` in Pulumi.yaml). */
export const configNamespace = "cardpress";

/** Limits of the infrastructure's own integer keys: what Azure accepts, not a taste. */
export const integerKeyLimits = {
  /** Blob and container soft delete accept 1–365 days. */
  softDeleteDays: { default: 7, min: 1, max: 365 },
  /** PerGB2018 workspaces retain 30–730 days. */
  logRetentionDays: { default: 30, min: 30, max: 730 },
} as const;

export const infraDefaults = {
  location: "westeurope",
  packagePath: "package",
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
  };
}
