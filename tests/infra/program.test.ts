// Loads the real Pulumi program under mocks and checks every resource, hardening property, role, setting and output.
import * as pulumi from "@pulumi/pulumi";
import { names, readSettings, settingDefinitions, workerProcessEnvironment } from "../../settings";
import { connectionFromEnv } from "../../jobs/storage";
import { hashPackageFolder, packageBlobName } from "../../infra/deploymentPackage";
import { createMocks, fakeAzure, valueOf, type RecordedResource } from "./mocks";
import { makeFakePackage } from "./fakePackage";

type Program = typeof import("../../infra");

const { mocks, resources, calls } = createMocks();
const packageDir = makeFakePackage();
let program: Program;

/** Resources register asynchronously; wait until no new one arrives for a while. */
async function settle(): Promise<void> {
  let count = -1;
  while (count !== resources.length) {
    count = resources.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function all(type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

function one(type: string): RecordedResource {
  const found = all(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as RecordedResource;
}

function appSettingsOf(site: RecordedResource): Record<string, string> {
  const siteConfig = site.inputs.siteConfig as { appSettings: { name: string; value: string }[] };
  return Object.fromEntries(siteConfig.appSettings.map(({ name, value }) => [name, value]));
}

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "cardpress:packagePath": packageDir,
    "cardpress:retentionHours": "48",
    "cardpress:pruneSchedule": "0 */30 * * * *",
  });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  program = await import("../../infra");
  await Promise.all(
    [program.functionKey, program.storageConnectionString, program.containers].map((output) =>
      valueOf<unknown>(output),
    ),
  );
  await settle();
});

test("creates exactly the expected resources", () => {
  const counts: Record<string, number> = {};
  for (const { type } of resources) counts[type] = (counts[type] ?? 0) + 1;
  expect(counts).toEqual({
    "cardpress:storage:RenderStorage": 1,
    "cardpress:monitoring:Monitoring": 1,
    "cardpress:functions:FunctionApp": 1,
    // The FunctionApp's parts (issue 12): components only, no Azure resource of their own.
    "cardpress:functions:AppIdentity": 1,
    "cardpress:functions:AppPackage": 1,
    "cardpress:functions:FunctionSite": 1,
    "azure-native:resources:ResourceGroup": 1,
    "azure-native:storage:StorageAccount": 1,
    "azure-native:storage:BlobServiceProperties": 1,
    "azure-native:storage:BlobContainer": 4,
    "azure-native:storage:Queue": 2,
    "azure-native:storage:ManagementPolicy": 1,
    "azure-native:storage:Blob": 1,
    "azure-native:operationalinsights:Workspace": 1,
    "azure-native:applicationinsights:Component": 1,
    "azure-native:managedidentity:UserAssignedIdentity": 1,
    "azure-native:authorization:RoleAssignment": 3,
    "azure-native:web:AppServicePlan": 1,
    "azure-native:web:WebApp": 1,
    "azure-native:web:WebAppFtpAllowed": 1,
    "azure-native:web:WebAppScmAllowed": 1,
    "pulumi-nodejs:dynamic:Resource": 1,
  });
});

test("every resource is in the configured region", () => {
  const located = resources.filter((resource) => "location" in resource.inputs);
  expect(located.length).toBeGreaterThanOrEqual(6);
  for (const resource of located) expect(resource.inputs.location).toBe("westeurope");
});

describe("storage", () => {
  test("the account is hardened", () => {
    expect(one("azure-native:storage:StorageAccount").inputs).toMatchObject({
      kind: "StorageV2",
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
    });
  });

  test("blob and container soft delete are on", () => {
    expect(one("azure-native:storage:BlobServiceProperties").inputs).toMatchObject({
      blobServicesName: "default",
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
  });

  test("containers are the jobs' three plus deployments, all private", () => {
    const containers = all("azure-native:storage:BlobContainer");
    expect(containers.map((container) => container.inputs.containerName).sort()).toEqual(
      [...Object.values(names.containers), names.deploymentContainer].sort(),
    );
    for (const container of containers) expect(container.inputs.publicAccess).toBe("None");
  });

  test("queues are the render queue and its poison queue", () => {
    expect(
      all("azure-native:storage:Queue")
        .map((queue) => queue.inputs.queueName)
        .sort(),
    ).toEqual([names.renderQueue, names.poisonQueue].sort());
  });

  test("the lifecycle rule deletes renders only after the longest allowed ttl plus a day", () => {
    const policy = one("azure-native:storage:ManagementPolicy").inputs.policy as {
      rules: {
        enabled: boolean;
        definition: {
          filters: { prefixMatch: string[] };
          actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: number } } };
        };
      }[];
    };
    expect(policy.rules).toHaveLength(1);
    const [rule] = policy.rules;
    expect(rule?.enabled).toBe(true);
    expect(rule?.definition.filters.prefixMatch).toEqual([`${names.containers.renders}/`]);
    // retentionHours is 48 here, but a batch may ask for up to MAX_TTL_HOURS (720 h = 30 days).
    expect(rule?.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(31);
  });
});

describe("function app", () => {
  test("runs on a Linux consumption plan", () => {
    expect(one("azure-native:web:AppServicePlan").inputs).toMatchObject({
      reserved: true,
      sku: { name: "Y1", tier: "Dynamic" },
    });
  });

  test("is a hardened Functions v4 app on Node 22 with a user-assigned identity", () => {
    const site = one("azure-native:web:WebApp");
    const identity = one("azure-native:managedidentity:UserAssignedIdentity");
    expect(site.inputs).toMatchObject({
      kind: "functionapp,linux",
      reserved: true,
      httpsOnly: true,
      serverFarmId: one("azure-native:web:AppServicePlan").state.id,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.state.id] },
      siteConfig: {
        linuxFxVersion: "Node|22",
        ftpsState: "Disabled",
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
      },
    });
    const siteConfig = site.inputs.siteConfig as Record<string, unknown>;
    expect(siteConfig).not.toHaveProperty("alwaysOn");
  });

  test("basic-auth publishing (FTP and SCM) is off", () => {
    for (const type of ["azure-native:web:WebAppFtpAllowed", "azure-native:web:WebAppScmAllowed"]) {
      expect(one(type).inputs).toMatchObject({
        allow: false,
        name: one("azure-native:web:WebApp").state.name,
      });
    }
  });

  test("Application Insights is workspace-based", () => {
    const insights = one("azure-native:applicationinsights:Component");
    expect(insights.inputs).toMatchObject({
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: one("azure-native:operationalinsights:Workspace").state.id,
    });
    expect(one("azure-native:operationalinsights:Workspace").inputs).toMatchObject({
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
    });
  });

  test("the identity holds exactly the three storage roles, on the storage account", () => {
    const account = one("azure-native:storage:StorageAccount");
    const assignments = all("azure-native:authorization:RoleAssignment");
    const roleIds = assignments.map((assignment) => {
      expect(assignment.inputs).toMatchObject({
        scope: account.state.id,
        principalId: fakeAzure.identityPrincipalId,
        principalType: "ServicePrincipal",
      });
      const match =
        /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/.exec(
          String(assignment.inputs.roleDefinitionId),
        );
      expect(match?.[1]).toBe(fakeAzure.subscriptionId);
      return match?.[2];
    });
    // Storage Blob Data Owner, Storage Queue Data Contributor, Storage Blob Delegator (Azure built-in role ids).
    expect(roleIds.sort()).toEqual(
      [
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",
      ].sort(),
    );
  });
});

describe("app settings", () => {
  test("host settings for Functions v4 on Node, no Windows-only or content-share settings", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    expect(settings).toMatchObject({
      FUNCTIONS_EXTENSION_VERSION: "~4",
      FUNCTIONS_WORKER_RUNTIME: "node",
      FUNCTIONS_NODE_BLOCK_ON_ENTRY_POINT_ERROR: "true",
    });
    for (const absent of [
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "WEBSITE_CONTENTSHARE",
      names.connectionSetting,
    ]) {
      expect(settings).not.toHaveProperty([absent]);
    }
  });

  test("the worker runs with the allocator settings the local stack uses", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    expect(settings).toMatchObject({ MALLOC_ARENA_MAX: "2" });
    expect(settings).toMatchObject(workerProcessEnvironment);
  });

  test("no account key or connection string reaches the app", () => {
    const values = Object.values(appSettingsOf(one("azure-native:web:WebApp")));
    for (const value of values) {
      expect(value).not.toContain(fakeAzure.accountKey);
      expect(value).not.toMatch(/AccountKey=|SharedAccessSignature|[?&]sig=/);
    }
  });

  test("host storage uses the identity form for the user-assigned identity", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    const account = one("azure-native:storage:StorageAccount");
    expect(settings).toMatchObject({
      [`${names.connectionSetting}__accountName`]: account.state.name,
      [`${names.connectionSetting}__credential`]: "managedidentity",
      [`${names.connectionSetting}__clientId`]: fakeAzure.identityClientId,
    });
  });

  test("the functions' own readers get the configured settings and the storage account", () => {
    const env = appSettingsOf(one("azure-native:web:WebApp"));
    expect(readSettings(env)).toEqual({
      ...readSettings({}),
      RETENTION_HOURS: 48,
      PRUNE_SCHEDULE: "0 */30 * * * *",
    });
    for (const name of Object.keys(settingDefinitions)) expect(env).toHaveProperty([name]);
    const accountName = String(one("azure-native:storage:StorageAccount").state.name);
    const connection = connectionFromEnv(env, { getToken: async () => null });
    expect(connection).toMatchObject({
      blobServiceUri: `https://${accountName}.blob.core.windows.net`,
      queueServiceUri: `https://${accountName}.queue.core.windows.net`,
    });
  });

  test("Application Insights connection string is wired in", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(
      one("azure-native:applicationinsights:Component").state.connectionString,
    );
  });
});

describe("deployment package", () => {
  test("is uploaded under its content hash into the private deployments container", async () => {
    const blob = one("azure-native:storage:Blob");
    expect(blob.inputs).toMatchObject({
      containerName: names.deploymentContainer,
      accountName: one("azure-native:storage:StorageAccount").state.name,
      blobName: packageBlobName(hashPackageFolder(packageDir)),
      type: "Block",
      contentType: "application/zip",
    });
    expect(String(blob.inputs.blobName)).toMatch(/^functions-[0-9a-f]{32}\.zip$/);
    const source = blob.inputs.source;
    expect(source).toBeInstanceOf(pulumi.asset.FileArchive);
    expect(await (source as pulumi.asset.FileArchive).path).toBe(packageDir);
  });

  test("WEBSITE_RUN_FROM_PACKAGE is the blob's plain URL, read with the app's identity", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    const blob = one("azure-native:storage:Blob");
    expect(settings.WEBSITE_RUN_FROM_PACKAGE).toBe(blob.state.url);
    expect(settings.WEBSITE_RUN_FROM_PACKAGE).not.toContain("?");
    expect(settings.WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).toBe(
      one("azure-native:managedidentity:UserAssignedIdentity").state.id,
    );
  });

  test("the trigger sync is keyed on the site and the package hash, with a secret ARM token", () => {
    const sync = one("pulumi-nodejs:dynamic:Resource");
    expect(sync.inputs.siteId).toBe(one("azure-native:web:WebApp").state.id);
    expect(sync.inputs.packageHash).toBe(hashPackageFolder(packageDir));
    // The fake package has one entry point (dist/functions/health.js).
    expect(sync.inputs.expectedFunctions).toBe(1);
    expect(typeof sync.inputs.__provider).toBe("string");
    // Secret inputs reach the engine wrapped, never as the bare token.
    expect(sync.inputs.armToken).not.toBe(fakeAzure.armToken);
    expect(JSON.stringify(sync.inputs.armToken)).toContain(fakeAzure.armToken);
  });

  test("the host keys are read for the site, only after the trigger sync", () => {
    const hostKeys = calls.find((call) => call.token === "azure-native:web:listWebAppHostKeys");
    expect(hostKeys?.inputs).toEqual({
      name: one("azure-native:web:WebApp").state.name,
      resourceGroupName: one("azure-native:resources:ResourceGroup").state.name,
    });
    expect(hostKeys?.sequence).toBeGreaterThan(one("pulumi-nodejs:dynamic:Resource").sequence);
  });
});

describe("stack outputs", () => {
  test("plain outputs name what was created", async () => {
    const site = one("azure-native:web:WebApp");
    expect(await valueOf(program.resourceGroupName)).toBe(
      one("azure-native:resources:ResourceGroup").state.name,
    );
    expect(await valueOf(program.storageAccountName)).toBe(
      one("azure-native:storage:StorageAccount").state.name,
    );
    expect(await valueOf(program.renderQueueName)).toBe(names.renderQueue);
    expect(await valueOf(program.poisonQueueName)).toBe(names.poisonQueue);
    expect(await valueOf(program.containers)).toEqual({
      ...names.containers,
      deployments: names.deploymentContainer,
    });
    expect(await valueOf(program.functionAppName)).toBe(site.state.name);
    expect(await valueOf(program.apiBaseUrl)).toBe(
      `https://${String(site.state.defaultHostName)}/api`,
    );
    for (const output of [
      program.resourceGroupName,
      program.storageAccountName,
      program.functionAppName,
      program.apiBaseUrl,
      program.containers,
    ]) {
      expect(await pulumi.isSecret<unknown>(output)).toBe(false);
    }
  });

  test("the storage connection string is a secret the CLI can connect with", async () => {
    expect(await pulumi.isSecret(program.storageConnectionString)).toBe(true);
    const accountName = String(one("azure-native:storage:StorageAccount").state.name);
    expect(await valueOf(program.storageConnectionString)).toBe(
      `DefaultEndpointsProtocol=https;AccountName=${accountName};AccountKey=${fakeAzure.accountKey};EndpointSuffix=core.windows.net`,
    );
    expect(
      connectionFromEnv({
        [names.connectionSetting]: await valueOf(program.storageConnectionString),
      }),
    ).toEqual({
      connectionString: expect.stringContaining(`AccountName=${accountName}`),
    });
  });

  test("the default function key is a secret", async () => {
    expect(await pulumi.isSecret(program.functionKey)).toBe(true);
    expect(await valueOf(program.functionKey)).toBe(fakeAzure.functionKey);
  });
});
