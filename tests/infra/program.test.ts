// Loads the real Pulumi program under mocks and checks every resource, hardening property, role, setting and output.
import * as pulumi from "@pulumi/pulumi";
import { names, readSettings, settingDefinitions, workerProcessEnvironment } from "../../settings";
import { connectionFromEnv } from "../../jobs/storage";
import { hashPackageFolder, packageBlobName } from "../../infra/deploymentPackage";
import type { AppSetting } from "../../infra/appSettings";
import { triggersHash } from "../../infra/dynamic/triggersHash";
import { blobWriteActions } from "../../infra/roles";
import {
  appSettingsOf,
  createMocks,
  fakeAzure,
  recordRegistrations,
  revealed,
  valueOf,
  type RecordedResource,
  type Registration,
} from "./mocks";
import { makeFakePackage } from "./fakePackage";

type Program = typeof import("../../infra");

const { mocks, resources, calls, settle, all, one } = createMocks();
const packageDir = makeFakePackage();
let program: Program;
let registrations: Registration[];

/** The options the program sent for one registration (by type, and logical name if given). */
function optionsOf(type: string, name?: string): Registration {
  const found = registrations.filter(
    (sent) => sent.type === type && (name === undefined || sent.name === name),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0] as Registration;
}

/**
 * Reads a role condition of the one shape infra/roles.ts writes ("for these actions, the
 * container must not be one of these") and answers whether it allows an action on a container.
 * Any other shape fails the test rather than being half understood.
 */
function conditionAllows(condition: string, action: string, container: string): boolean {
  const actionClause = String.raw`\s*!\(ActionMatches\{'([^']+)'\}\)\s*`;
  const containerClause = String.raw`\s*@Resource\[Microsoft\.Storage/storageAccounts/blobServices/containers:name\] StringNotEquals '([^']+)'\s*`;
  const shape = new RegExp(
    String.raw`^\(\s*\((?:${actionClause}AND)*${actionClause}\)\s*OR\s*\((?:${containerClause}AND)*${containerClause}\)\s*\)$`,
  );
  expect(condition).toMatch(shape);
  const conditioned = [...condition.matchAll(/ActionMatches\{'([^']+)'\}/g)].map((m) => m[1]);
  const excluded = [...condition.matchAll(/StringNotEquals '([^']+)'/g)].map((m) => m[1]);
  return !conditioned.includes(action) || !excluded.includes(container);
}

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "cardpress:packagePath": packageDir,
    "cardpress:retentionHours": "48",
    "cardpress:pruneSchedule": "0 */30 * * * *",
  });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  registrations = recordRegistrations();
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
    // renders, jobs, assets, templates, og, deployments.
    "azure-native:storage:BlobContainer": 6,
    "azure-native:storage:Queue": 2,
    "azure-native:storage:ManagementPolicy": 1,
    "azure-native:storage:Blob": 1,
    "azure-native:operationalinsights:Workspace": 1,
    "azure-native:applicationinsights:Component": 1,
    "azure-native:managedidentity:UserAssignedIdentity": 1,
    // Blob Data Owner (conditioned), Queue and Table Data Contributor, Monitoring Metrics Publisher.
    "azure-native:authorization:RoleAssignment": 4,
    "azure-native:web:AppServicePlan": 1,
    "azure-native:web:WebApp": 1,
    "azure-native:web:WebAppFtpAllowed": 1,
    "azure-native:web:WebAppScmAllowed": 1,
    // The trigger sync and the function-key read (issue 13: no more host-keys invoke), and the
    // card-URL signing keys (issue 15).
    "pulumi-nodejs:dynamic:Resource": 3,
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

  test("containers are the jobs' (renders, jobs, assets, templates) plus deployments, all private", () => {
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
        name: string;
        enabled: boolean;
        definition: {
          filters: { prefixMatch: string[] };
          actions: { baseBlob: { delete: Record<string, number> } };
        };
      }[];
    };
    // The renders backstop and the og images' last-access rule (tests/infra/ogImages.test.ts).
    expect(policy.rules.map((rule) => rule.name)).toEqual([
      "delete-old-renders",
      "delete-idle-og-images",
    ]);
    const rule = policy.rules[0];
    expect(rule?.enabled).toBe(true);
    expect(rule?.definition.filters.prefixMatch).toEqual([`${names.containers.renders}/`]);
    // retentionHours is 48 here, but a batch may ask for up to MAX_TTL_HOURS (720 h = 30 days).
    expect(rule?.definition.actions.baseBlob.delete).toEqual({
      daysAfterModificationGreaterThan: 31,
    });
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
    expect({ ...site.inputs, siteConfig: revealed(site.inputs.siteConfig) }).toMatchObject({
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
    const siteConfig = revealed<Record<string, unknown>>(site.inputs.siteConfig);
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

  test("basic-auth policies are written only after the deployment step (no 409 race with the new site)", () => {
    const site = optionsOf("azure-native:web:WebApp");
    const deployStep = optionsOf("pulumi-nodejs:dynamic:Resource", "cardpress-trigger-sync");
    for (const type of ["azure-native:web:WebAppFtpAllowed", "azure-native:web:WebAppScmAllowed"]) {
      expect(optionsOf(type).dependencies).toEqual(
        expect.arrayContaining([site.urn, deployStep.urn]),
      );
      // The mocks answer the deployment step late: a policy that did not wait would come first.
      expect(one(type).sequence).toBeGreaterThan(
        resources.find((resource) => resource.name === "cardpress-trigger-sync")?.sequence ?? -1,
      );
    }
  });

  test("Application Insights is workspace-based and takes telemetry only with Entra tokens", () => {
    const insights = one("azure-native:applicationinsights:Component");
    expect(insights.inputs).toMatchObject({
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: one("azure-native:operationalinsights:Workspace").state.id,
      disableLocalAuth: true,
    });
    expect(one("azure-native:operationalinsights:Workspace").inputs).toMatchObject({
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
    });
  });

  /** Each assignment's built-in role id, checked to be in the fake subscription. */
  function roleIdOf(assignment: RecordedResource): string | undefined {
    const match =
      /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/.exec(
        String(assignment.inputs.roleDefinitionId),
      );
    expect(match?.[1]).toBe(fakeAzure.subscriptionId);
    return match?.[2];
  }

  function assignmentOf(roleId: string): RecordedResource {
    const found = all("azure-native:authorization:RoleAssignment").filter(
      (assignment) => roleIdOf(assignment) === roleId,
    );
    expect(found).toHaveLength(1);
    return found[0] as RecordedResource;
  }

  const roleIds = {
    blobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    queueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    tableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
    blobDelegator: "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",
  } as const;

  test("the identity holds exactly its four roles, each on its own scope, for the identity only", () => {
    const account = one("azure-native:storage:StorageAccount");
    const insights = one("azure-native:applicationinsights:Component");
    const assignments = all("azure-native:authorization:RoleAssignment");
    for (const assignment of assignments) {
      expect(assignment.inputs).toMatchObject({
        principalId: fakeAzure.identityPrincipalId,
        principalType: "ServicePrincipal",
      });
    }
    expect(
      assignments.map((assignment) => [roleIdOf(assignment), assignment.inputs.scope]).sort(),
    ).toEqual(
      [
        [roleIds.blobDataOwner, account.state.id],
        [roleIds.queueDataContributor, account.state.id],
        [roleIds.tableDataContributor, account.state.id],
        [roleIds.monitoringMetricsPublisher, insights.state.id],
      ].sort(),
    );
  });

  test("Storage Blob Delegator is not granted: Blob Data Owner already holds generateUserDelegationKey", () => {
    const granted = all("azure-native:authorization:RoleAssignment").map(roleIdOf);
    expect(granted).not.toContain(roleIds.blobDelegator);
    // The user-delegation key is a control-plane action of the role: role conditions only
    // restrict data actions, so the condition below leaves SAS signing as it was.
    const owner = String(assignmentOf(roleIds.blobDataOwner).inputs.condition);
    expect(owner).not.toContain("generateUserDelegationKey");
  });

  test("Blob Data Owner is conditioned: no blob write, delete or tag change in the deployments container", () => {
    const owner = assignmentOf(roleIds.blobDataOwner);
    expect(owner.inputs.conditionVersion).toBe("2.0");
    const condition = String(owner.inputs.condition);
    const deployments = names.deploymentContainer;
    const blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
    for (const action of [
      `${blobs}/write`,
      `${blobs}/add/action`,
      `${blobs}/delete`,
      `${blobs}/deleteBlobVersion/action`,
      `${blobs}/permanentDelete/action`,
      `${blobs}/tags/write`,
      `${blobs}/runAsSuperUser/action`,
    ]) {
      expect([action, conditionAllows(condition, action, deployments)]).toEqual([action, false]);
      for (const container of Object.values(names.containers)) {
        expect([action, container, conditionAllows(condition, action, container)]).toEqual([
          action,
          container,
          true,
        ]);
      }
    }
    expect([...blobWriteActions].sort()).toEqual(
      [...condition.matchAll(/ActionMatches\{'([^']+)'\}/g)].map((m) => m[1]).sort(),
    );
    // The host reads its package (and the CLI lists it) through the same role.
    expect(conditionAllows(condition, `${blobs}/read`, deployments)).toBe(true);
  });

  test("the templates container exists, private, and the app's identity may read and write it", () => {
    const templates = all("azure-native:storage:BlobContainer").filter(
      (container) => container.inputs.containerName === names.containers.templates,
    );
    expect(templates).toHaveLength(1);
    expect(templates[0]?.inputs.publicAccess).toBe("None");
    const condition = String(assignmentOf(roleIds.blobDataOwner).inputs.condition);
    const blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
    for (const action of [`${blobs}/read`, `${blobs}/write`, `${blobs}/add/action`]) {
      expect([action, conditionAllows(condition, action, names.containers.templates)]).toEqual([
        action,
        true,
      ]);
    }
  });

  test("no other role assignment carries blob data rights a condition would have to restrict", () => {
    for (const assignment of all("azure-native:authorization:RoleAssignment")) {
      if (roleIdOf(assignment) === roleIds.blobDataOwner) continue;
      expect(assignment.inputs.condition).toBeUndefined();
      expect([roleIds.blobDataOwner, roleIds.blobDelegator]).not.toContain(roleIdOf(assignment));
    }
  });

  test("the site waits for every role assignment (the host's first start needs them)", () => {
    const site = optionsOf("azure-native:web:WebApp");
    const assignmentUrns = registrations
      .filter((sent) => sent.type === "azure-native:authorization:RoleAssignment")
      .map((sent) => sent.urn);
    expect(assignmentUrns).toHaveLength(4);
    expect(site.dependencies).toEqual(expect.arrayContaining(assignmentUrns));
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

  test("telemetry is sent with the user-assigned identity's Entra token", () => {
    const settings = appSettingsOf(one("azure-native:web:WebApp"));
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
      `ClientId=${fakeAzure.identityClientId};Authorization=AAD`,
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

  test("no replace or destroy ever deletes a package blob (the live one included)", () => {
    expect(optionsOf("azure-native:storage:Blob")).toMatchObject({
      retainOnDelete: true,
      deleteBeforeReplace: false,
    });
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

  const dynamicResource = (name: string) => one("pulumi-nodejs:dynamic:Resource", name);

  /** The site's settings that shape its triggers: all but the secret ones (the signing keys). */
  function siteAppSettingsList(): AppSetting[] {
    const site = one("azure-native:web:WebApp");
    const secretNames: string[] = Object.values(names.ogKeySettings);
    return revealed<{ appSettings: AppSetting[] }>(site.inputs.siteConfig).appSettings.filter(
      ({ name }) => !secretNames.includes(name),
    );
  }

  test("the trigger sync is keyed on the site, the package hash and what shapes the triggers, with a secret ARM token", () => {
    const sync = dynamicResource("cardpress-trigger-sync");
    expect(sync.inputs.siteId).toBe(one("azure-native:web:WebApp").state.id);
    expect(sync.inputs.packageHash).toBe(hashPackageFolder(packageDir));
    expect(sync.inputs.triggersHash).toBe(
      triggersHash(hashPackageFolder(packageDir), siteAppSettingsList()),
    );
    // The fake package has one entry point (dist/functions/health.js).
    expect(sync.inputs.expectedFunctions).toBe(1);
    expect(typeof sync.inputs.__provider).toBe("string");
    // Secret inputs reach the engine wrapped, never as the bare token.
    expect(sync.inputs.armToken).not.toBe(fakeAzure.armToken);
    expect(JSON.stringify(sync.inputs.armToken)).toContain(fakeAzure.armToken);
  });

  test("a new PRUNE_SCHEDULE or storage connection changes what the trigger sync is keyed on", () => {
    const settings = siteAppSettingsList();
    const packageHash = hashPackageFolder(packageDir);
    const withSetting = (name: string, value: string) =>
      triggersHash(
        packageHash,
        settings.map((setting) => (setting.name === name ? { name, value } : setting)),
      );
    const synced = dynamicResource("cardpress-trigger-sync").inputs.triggersHash;
    expect(settings.find((setting) => setting.name === "PRUNE_SCHEDULE")?.value).toBe(
      "0 */30 * * * *",
    );
    expect(withSetting("PRUNE_SCHEDULE", "0 */30 * * * *")).toBe(synced);
    expect(withSetting("PRUNE_SCHEDULE", "0 0 * * * *")).not.toBe(synced);
    expect(withSetting(`${names.connectionSetting}__accountName`, "another")).not.toBe(synced);
  });

  // Was (before issue 13): the listWebAppHostKeys invoke, read after the sync on every preview.
  test("the function key is read by a dynamic resource after the trigger sync, once per deployment, with a secret token; no invoke", () => {
    const sync = dynamicResource("cardpress-trigger-sync");
    const key = dynamicResource("cardpress-function-key");
    expect(key.inputs.siteId).toBe(one("azure-native:web:WebApp").state.id);
    expect(key.inputs.deploymentHash).toBe(sync.inputs.triggersHash);
    expect(key.inputs.armToken).not.toBe(fakeAzure.armToken);
    expect(JSON.stringify(key.inputs.armToken)).toContain(fakeAzure.armToken);
    expect(key.sequence).toBeGreaterThan(sync.sequence);
    expect(calls.map((call) => call.token)).not.toContain("azure-native:web:listWebAppHostKeys");
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
