// Loads the real Pulumi program with `cardpress:plan: flex` under mocks: the FC1 plan, the site's functionAppConfig, its settings, One Deploy, and that destroy leaves nothing.
import * as pulumi from "@pulumi/pulumi";
import { names, readSettings, settingDefinitions } from "../../settings";
import { hashPackageFolder, packageBlobName } from "../../infra/deploymentPackage";
import {
  flexDeploymentContainer,
  flexRejectedAppSettings,
  packageSasLifetimeHours,
} from "../../infra/hosting/flexConsumption";
import { storageRoles } from "../../infra/roles";
import {
  appSettingsOf,
  createMocks,
  fakeAzure,
  recordRegistrations,
  revealed,
  valueOf,
  type Registration,
} from "./mocks";
import { makeFakePackage } from "./fakePackage";
import { teardownProblems } from "./support/teardown";

type Program = typeof import("../../infra");

const { mocks, resources, calls, settle, all, one } = createMocks();
const packageDir = makeFakePackage();
let program: Program;
let registrations: Registration[];
let loadedAt: number;

const site = () => one("azure-native:web:WebApp");
const account = () => one("azure-native:storage:StorageAccount");
const oneDeploy = () => one("pulumi-nodejs:dynamic:Resource", "cardpress-one-deploy");

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "cardpress:packagePath": packageDir,
    "cardpress:plan": "flex",
    "cardpress:flexNodeVersion": "24",
    "cardpress:flexInstanceMemoryMb": "4096",
    "cardpress:flexMaximumInstanceCount": "250",
    "cardpress:pruneSchedule": "0 */30 * * * *",
  });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  registrations = recordRegistrations();
  loadedAt = Date.now();
  program = await import("../../infra");
  await Promise.all(
    [program.functionKey, program.storageConnectionString, program.containers].map((output) =>
      valueOf<unknown>(output),
    ),
  );
  await settle();
});

test("creates exactly the expected resources: Y1's, with the Flex deployment container added", () => {
  const counts: Record<string, number> = {};
  for (const { type } of resources) counts[type] = (counts[type] ?? 0) + 1;
  expect(counts).toEqual({
    "cardpress:storage:RenderStorage": 1,
    "cardpress:monitoring:Monitoring": 1,
    "cardpress:functions:FunctionApp": 1,
    "cardpress:functions:AppIdentity": 1,
    "cardpress:functions:AppPackage": 1,
    "cardpress:functions:FunctionSite": 1,
    "azure-native:resources:ResourceGroup": 1,
    "azure-native:storage:StorageAccount": 1,
    "azure-native:storage:BlobServiceProperties": 1,
    // renders, jobs, assets, templates, og, deployments, and flex-deployment (written by One Deploy).
    "azure-native:storage:BlobContainer": 7,
    "azure-native:storage:Queue": 2,
    "azure-native:storage:ManagementPolicy": 1,
    "azure-native:storage:Blob": 1,
    "azure-native:operationalinsights:Workspace": 1,
    "azure-native:applicationinsights:Component": 1,
    "azure-native:managedidentity:UserAssignedIdentity": 1,
    "azure-native:authorization:RoleAssignment": 4,
    // The FC1 plan.
    "azure-native:web:AppServicePlan": 1,
    "azure-native:web:WebApp": 1,
    "azure-native:web:WebAppFtpAllowed": 1,
    "azure-native:web:WebAppScmAllowed": 1,
    // One Deploy (instead of the trigger sync), the function-key read, the card-URL signing keys.
    "pulumi-nodejs:dynamic:Resource": 3,
  });
});

test("the stack says which plan it runs on", async () => {
  expect(await valueOf(pulumi.output(program.hostingPlan))).toBe("flex");
});

describe("the plan", () => {
  test("is one FC1 Flex Consumption plan, Linux, under its own logical name", () => {
    const plan = one("azure-native:web:AppServicePlan");
    expect(plan.name).toBe("cardpress-flex-plan");
    expect(plan.inputs).toMatchObject({
      kind: "functionapp",
      reserved: true,
      sku: { name: "FC1", tier: "FlexConsumption" },
      location: "westeurope",
    });
  });

  test("no Linux Consumption resource is declared: no trigger sync, no Y1 plan", () => {
    expect(all("azure-native:web:AppServicePlan")).toHaveLength(1);
    expect(
      all("pulumi-nodejs:dynamic:Resource")
        .map((resource) => resource.name)
        .sort(),
    ).toEqual(["cardpress-function-key", "cardpress-og-signing-keys", "cardpress-one-deploy"]);
  });
});

describe("the site", () => {
  test("is a hardened Linux Function App on the FC1 plan, without linuxFxVersion", () => {
    const identity = one("azure-native:managedidentity:UserAssignedIdentity");
    expect({ ...site().inputs, siteConfig: revealed(site().inputs.siteConfig) }).toMatchObject({
      kind: "functionapp,linux",
      reserved: true,
      httpsOnly: true,
      serverFarmId: one("azure-native:web:AppServicePlan").state.id,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.state.id] },
      siteConfig: { ftpsState: "Disabled", minTlsVersion: "1.2", scmMinTlsVersion: "1.2" },
    });
    const siteConfig = revealed<Record<string, unknown>>(site().inputs.siteConfig);
    expect(siteConfig).not.toHaveProperty("linuxFxVersion");
    expect(siteConfig).not.toHaveProperty("alwaysOn");
  });

  test("functionAppConfig: the deployment container read with the app's identity, Node and scaling from config", () => {
    const identity = one("azure-native:managedidentity:UserAssignedIdentity");
    expect(site().inputs.functionAppConfig).toEqual({
      deployment: {
        storage: {
          type: "blobContainer",
          value: `https://${String(account().state.name)}.blob.core.windows.net/${flexDeploymentContainer}`,
          authentication: {
            type: "UserAssignedIdentity",
            userAssignedIdentityResourceId: identity.state.id,
          },
        },
      },
      runtime: { name: "node", version: "24" },
      scaleAndConcurrency: { instanceMemoryMB: 4096, maximumInstanceCount: 250 },
    });
  });

  test("the deployment container is private, in the app's storage account, created before the plan", () => {
    const container = one(
      "azure-native:storage:BlobContainer",
      `cardpress-${flexDeploymentContainer}`,
    );
    expect(container.inputs).toMatchObject({
      accountName: account().state.name,
      resourceGroupName: one("azure-native:resources:ResourceGroup").state.name,
      containerName: flexDeploymentContainer,
      publicAccess: "None",
    });
    expect(container.sequence).toBeLessThan(one("azure-native:web:AppServicePlan").sequence);
  });

  test("the app's identity may write the Flex deployment container (One Deploy writes with it), never the package container", () => {
    const owner = all("azure-native:authorization:RoleAssignment").find((assignment) =>
      String(assignment.inputs.roleDefinitionId).endsWith(storageRoles.blobDataOwner.id),
    );
    const condition = String(owner?.inputs.condition);
    expect(condition).toContain(`StringNotEquals '${names.deploymentContainer}'`);
    expect(condition).not.toContain(`'${flexDeploymentContainer}'`);
  });

  test("a change of plan replaces the site: ARM cannot move an app between Y1 and FC1", () => {
    const sites = registrations.filter(
      (registration) => registration.type === "azure-native:web:WebApp",
    );
    expect(sites.map((registration) => registration.replaceOnChanges)).toEqual([["serverFarmId"]]);
  });

  test("basic-auth publishing stays off", () => {
    for (const type of ["azure-native:web:WebAppFtpAllowed", "azure-native:web:WebAppScmAllowed"]) {
      expect(one(type).inputs).toMatchObject({ allow: false, name: site().state.name });
    }
  });
});

describe("app settings", () => {
  test("none of the settings Flex Consumption rejects or deprecates", () => {
    const settings = appSettingsOf(site());
    const present = flexRejectedAppSettings.filter((name) => name in settings);
    expect(present).toEqual([]);
    expect(Object.keys(settings).filter((name) => name.startsWith("WEBSITE_CONTENT"))).toEqual([]);
  });

  test("host storage by account name with the user-assigned identity (no per-service URIs)", () => {
    const settings = appSettingsOf(site());
    expect(settings).toMatchObject({
      [`${names.connectionSetting}__accountName`]: account().state.name,
      [`${names.connectionSetting}__credential`]: "managedidentity",
      [`${names.connectionSetting}__clientId`]: fakeAzure.identityClientId,
      FUNCTIONS_NODE_BLOCK_ON_ENTRY_POINT_ERROR: "true",
    });
    expect(
      Object.keys(settings).filter((name) => /^AzureWebJobsStorage__\w+ServiceUri$/.test(name)),
    ).toEqual([]);
    expect(settings).not.toHaveProperty([names.connectionSetting]);
  });

  test("the functions get the configured job settings, and no key or SAS", () => {
    const settings = appSettingsOf(site());
    expect(readSettings(settings)).toEqual({
      ...readSettings({}),
      PRUNE_SCHEDULE: "0 */30 * * * *",
    });
    for (const name of Object.keys(settingDefinitions)) expect(settings).toHaveProperty([name]);
    for (const value of Object.values(settings)) {
      expect(value).not.toContain(fakeAzure.accountKey);
      expect(value).not.toMatch(/AccountKey=|SharedAccessSignature|[?&]sig=/);
    }
  });
});

describe("One Deploy", () => {
  test("is keyed on the site, the package hash and the trigger inputs", () => {
    expect(oneDeploy().inputs).toMatchObject({
      siteId: site().state.id,
      packageHash: hashPackageFolder(packageDir),
      // The fake package has one entry point (dist/functions/health.js).
      expectedFunctions: 1,
    });
    expect(String(oneDeploy().inputs.triggersHash)).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof oneDeploy().inputs.__provider).toBe("string");
  });

  test("downloads the package blob by a secret, read-only, HTTPS-only SAS for that blob alone", () => {
    const blob = one("azure-native:storage:Blob");
    expect(blob.inputs).toMatchObject({
      containerName: names.deploymentContainer,
      blobName: packageBlobName(hashPackageFolder(packageDir)),
    });
    const uri = oneDeploy().inputs.packageUri;
    // Secret inputs reach the engine wrapped, never bare.
    expect(uri).not.toBe(`${String(blob.state.url)}?${fakeAzure.packageSas}`);
    expect(JSON.stringify(uri)).toContain(`${String(blob.state.url)}?${fakeAzure.packageSas}`);
    const sas = calls.filter(
      (call) => call.token === "azure-native:storage:listStorageAccountServiceSAS",
    );
    expect(sas).toHaveLength(1);
    const request = sas[0]?.inputs ?? {};
    expect(request).toMatchObject({
      resourceGroupName: one("azure-native:resources:ResourceGroup").state.name,
      accountName: account().state.name,
      canonicalizedResource: `/blob/${String(account().state.name)}/${names.deploymentContainer}/${String(blob.inputs.blobName)}`,
      resource: "b",
      permissions: "r",
      protocols: "https",
    });
    const expiry = Date.parse(String(request.sharedAccessExpiryTime));
    const lifetime = packageSasLifetimeHours * 3_600_000;
    expect(expiry).toBeGreaterThanOrEqual(Math.floor(loadedAt / 1000) * 1000 + lifetime);
    expect(expiry).toBeLessThanOrEqual(Date.now() + lifetime);
  });

  test("authenticates with the deployer's ARM token, kept secret", () => {
    expect(oneDeploy().inputs.armToken).not.toBe(fakeAzure.armToken);
    expect(JSON.stringify(oneDeploy().inputs.armToken)).toContain(fakeAzure.armToken);
  });

  test("the function key is read only after the deployment", () => {
    const key = one("pulumi-nodejs:dynamic:Resource", "cardpress-function-key");
    expect(key.sequence).toBeGreaterThan(oneDeploy().sequence);
  });

  test("the function key output is a secret", async () => {
    expect(await pulumi.isSecret(program.functionKey)).toBe(true);
    expect(await valueOf(program.functionKey)).toBe(fakeAzure.functionKey);
  });
});

test("`pulumi destroy` leaves nothing behind: nothing protected, nothing retained outside what goes with the account, everything in the resource group", () => {
  expect(registrations.length).toBeGreaterThan(20);
  expect(teardownProblems(registrations, resources)).toEqual([]);
});

test("every resource is in the configured region", () => {
  const located = resources.filter((resource) => "location" in resource.inputs);
  expect(located.length).toBeGreaterThanOrEqual(6);
  for (const resource of located) expect(resource.inputs.location).toBe("westeurope");
});
