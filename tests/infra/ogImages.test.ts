// Loads the real Pulumi program under mocks with og settings changed: the signing keys stay secret everywhere, the og container and its last-access rule, the outputs, and nothing in front of anonymous GET /api/og.
import * as pulumi from "@pulumi/pulumi";
import { names, readOgKeys, readSettings } from "../../settings";
import { defaultRoutePath } from "../../signing";
import { triggers } from "../../functions/host/triggers";
import { deployedHostConfig } from "../../settings";
import { storageRoles } from "../../infra/roles";
import {
  appSettingsOf,
  createMocks,
  fakeAzure,
  isSecretInput,
  recordRegistrations,
  revealed,
  valueOf,
  type Registration,
} from "./mocks";
import { makeFakePackage } from "./fakePackage";

type Program = typeof import("../../infra");

const { mocks, resources, settle, all, one } = createMocks();
let program: Program;
let registrations: Registration[];

/** The options the program sent for the registration of this logical name. */
function sentOptions(name: string): Registration {
  const found = registrations.filter((registration) => registration.name === name).at(-1);
  if (!found) throw new Error(`no registration named ${name}`);
  return found;
}

const site = () => one("azure-native:web:WebApp");
const signingKeys = () => one("pulumi-nodejs:dynamic:Resource", "cardpress-og-signing-keys");

/** Every string of a value the engine receives outside a secret. */
function plainStrings(value: unknown): string[] {
  if (isSecretInput(value)) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...plainStrings(inner)]);
  }
  return [];
}

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "cardpress:packagePath": makeFakePackage(),
    "cardpress:ogExpireAfterDays": "45",
    "cardpress:ogKeyRotation": "3",
    "cardpress:ogPreviousKey": "drop",
  });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  registrations = recordRegistrations();
  program = await import("../../infra");
  await Promise.all(
    [program.functionKey, program.ogSigningKey, program.ogBaseUrl].map((output) =>
      valueOf<unknown>(output),
    ),
  );
  await settle();
});

describe("the signing keys", () => {
  test("are one top-level resource, given the rotation and previous-key config, with its keys as secret outputs", () => {
    const keys = signingKeys();
    expect(keys.inputs).toMatchObject({ rotation: 3, keepPrevious: false });
    expect(typeof keys.inputs.__provider).toBe("string");
    expect(sentOptions("cardpress-og-signing-keys").additionalSecretOutputs).toEqual(
      expect.arrayContaining(["current", "previous"]),
    );
    // Top-level: a new site (another hosting plan) keeps the keys.
    expect(sentOptions("cardpress-og-signing-keys").urn).toBe(
      "urn:pulumi:dev::cardpress::pulumi-nodejs:dynamic:Resource::cardpress-og-signing-keys",
    );
  });

  test("reach the app as its settings, inside a siteConfig sent as a secret; readOgKeys finds them", () => {
    expect(isSecretInput(site().inputs.siteConfig)).toBe(true);
    const settings = appSettingsOf(site());
    expect(settings[names.ogKeySettings.current]).toBe(fakeAzure.ogSigningKey);
    expect(settings[names.ogKeySettings.previous]).toBe("");
    expect(readOgKeys(settings)).toEqual([fakeAzure.ogSigningKey]);
    // The site's stored siteConfig stays encrypted whatever the provider echoes back.
    expect(sentOptions("cardpress-app").additionalSecretOutputs).toEqual(["siteConfig"]);
  });

  test("never reach the engine as a plain value: not in any resource's inputs, not in the trigger or deployment hashes", () => {
    for (const resource of resources) {
      const leaked = plainStrings(resource.inputs).filter((text) =>
        text.includes(fakeAzure.ogSigningKey),
      );
      expect([resource.type, resource.name, leaked]).toEqual([resource.type, resource.name, []]);
    }
  });

  test("are exported: the current key as a secret, its id and the previous one's as plain text", async () => {
    expect(await pulumi.isSecret(program.ogSigningKey)).toBe(true);
    expect(await valueOf(program.ogSigningKey)).toBe(fakeAzure.ogSigningKey);
    expect(await pulumi.isSecret(program.ogKeyId)).toBe(false);
    expect(await valueOf(program.ogKeyId)).toBe(fakeAzure.ogKeyId);
    expect(await valueOf(program.ogPreviousKeyId)).toBe("");
  });
});

describe("the og base URL", () => {
  test("is the app's host, a plain output; the og route follows it as the host serves it, anonymous", async () => {
    expect(await pulumi.isSecret(program.ogBaseUrl)).toBe(false);
    expect(await valueOf(program.ogBaseUrl)).toBe(
      `https://${String(site().state.defaultHostName)}`,
    );
    const route = `/${deployedHostConfig().routePrefix}/${triggers.ogImage.route.split("/")[0] ?? ""}`;
    expect(route).toBe(defaultRoutePath);
    expect(triggers.ogImage).toMatchObject({ authLevel: "anonymous", methods: ["GET", "HEAD"] });
  });

  test("nothing in front of the app refuses an anonymous GET: no App Service authentication, client certificates, access restrictions or CORS", () => {
    const types = new Set(resources.map((resource) => resource.type));
    for (const type of types) expect(type).not.toMatch(/AuthSettings|AccessRestriction/);
    expect(site().inputs.clientCertEnabled ?? false).toBe(false);
    const siteConfig = revealed<Record<string, unknown>>(site().inputs.siteConfig);
    for (const key of ["ipSecurityRestrictions", "ipSecurityRestrictionsDefaultAction", "cors"]) {
      expect(siteConfig).not.toHaveProperty([key]);
    }
    expect(site().inputs.publicNetworkAccess ?? "Enabled").toBe("Enabled");
  });
});

describe("og storage", () => {
  test("the og container is private and in the app's account", () => {
    const container = one("azure-native:storage:BlobContainer", `cardpress-${names.containers.og}`);
    expect(container.inputs).toMatchObject({
      containerName: names.containers.og,
      accountName: one("azure-native:storage:StorageAccount").state.name,
      publicAccess: "None",
    });
  });

  test("last-access tracking is on for the account's blobs", () => {
    expect(
      one("azure-native:storage:BlobServiceProperties").inputs.lastAccessTimeTrackingPolicy,
    ).toEqual({
      enable: true,
      name: "AccessTimeTracking",
      trackingGranularityInDays: 1,
      blobType: ["blockBlob"],
    });
  });

  test("one lifecycle rule deletes og blobs, and only them, OG_EXPIRE_AFTER_DAYS after their last access", () => {
    const policy = one("azure-native:storage:ManagementPolicy");
    const rules = (policy.inputs.policy as { rules: { name: string }[] }).rules;
    const ogRules = rules.filter((rule) =>
      JSON.stringify(rule).includes(`"${names.containers.og}/"`),
    );
    expect(ogRules).toEqual([
      {
        name: "delete-idle-og-images",
        enabled: true,
        type: "Lifecycle",
        definition: {
          filters: { blobTypes: ["blockBlob"], prefixMatch: [`${names.containers.og}/`] },
          actions: { baseBlob: { delete: { daysAfterLastAccessTimeGreaterThan: 45 } } },
        },
      },
    ]);
    // The same days the functions (and the local host's sweep) read: one source.
    expect(readSettings(appSettingsOf(site())).OG_EXPIRE_AFTER_DAYS).toBe(45);
    // No other rule reaches og images, and the og rule reaches no other container.
    for (const rule of rules.filter((candidate) => !ogRules.includes(candidate))) {
      expect(JSON.stringify(rule)).not.toContain(`"${names.containers.og}`);
    }
  });

  test("the policy waits for the og container, which waits for the blob service (ARM refuses a last-access rule while tracking is off)", () => {
    const og = sentOptions(`cardpress-${names.containers.og}`);
    expect(sentOptions("cardpress-lifecycle").dependencies).toContain(og.urn);
    expect(og.dependencies).toContain(sentOptions("cardpress-blob-service").urn);
  });

  test("the app's identity may write og images (only deployments is read-only)", () => {
    const owner = all("azure-native:authorization:RoleAssignment").find((assignment) =>
      String(assignment.inputs.roleDefinitionId).endsWith(storageRoles.blobDataOwner.id),
    );
    const condition = String(owner?.inputs.condition);
    expect(condition).not.toContain(`'${names.containers.og}'`);
    expect(condition).toContain(`'${names.deploymentContainer}'`);
  });
});
