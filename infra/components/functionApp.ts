// The Function App on Linux Consumption (Y1): identity and its storage roles, plan, package blob, site, trigger sync, host key.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../settings";
import { functionAppSettings } from "../appSettings";
import { countFunctionEntryPoints, hashPackageFolder, packageBlobName } from "../deploymentPackage";
import { roleDefinitionId, storageRoles } from "../roles";
import { TriggerSync } from "../triggerSync";

export interface FunctionAppArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  /** Scope of the identity's role assignments. */
  storageAccountId: pulumi.Input<string>;
  /** Private container the package blob goes into. */
  deploymentContainerName: pulumi.Input<string>;
  /** Folder built by `npm run package`; zipped by Pulumi. */
  packageDir: string;
  /** The job pipeline's settings, written as app settings. */
  settings: Settings;
  applicationInsightsConnectionString: pulumi.Input<string>;
}

/** Linux Consumption: reserved=true is what makes the plan and the site Linux. */
export const consumptionPlanSku = { name: "Y1", tier: "Dynamic" } as const;
/** Node 22 is the last Node version Linux Consumption gets (supported until 2027-04-30). */
export const nodeRuntime = "Node|22";

export class FunctionApp extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  public readonly defaultHostName: pulumi.Output<string>;
  /** `https://<host>/api`: where `POST /api/batches` and friends live. */
  public readonly apiBaseUrl: pulumi.Output<string>;
  public readonly identityClientId: pulumi.Output<string>;
  public readonly packageHash: string;
  public readonly packageUrl: pulumi.Output<string>;
  /** The host's `default` function key, for `x-functions-key`; a secret. */
  public readonly defaultFunctionKey: pulumi.Output<string>;

  constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:functions:FunctionApp", name, {}, opts);

    const client = azure.authorization.getClientConfigOutput({ parent: this });

    // A user-assigned identity exists (and gets its roles) before the site: the first cold start
    // can already read the package and the queues. A system-assigned identity would only exist
    // once the site does, so its role assignments would race the host's first start.
    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: args.resourceGroupName, location: args.location },
      { parent: this },
    );

    const roleAssignments = Object.entries(storageRoles).map(
      ([key, role]) =>
        new azure.authorization.RoleAssignment(
          `${name}-${key}`,
          {
            scope: args.storageAccountId,
            principalId: identity.principalId,
            // Declaring the type lets ARM accept a principal that has not replicated yet.
            principalType: azure.authorization.PrincipalType.ServicePrincipal,
            roleDefinitionId: client.subscriptionId.apply((subscriptionId) =>
              roleDefinitionId(subscriptionId, role.id),
            ),
            description: `cardpress Function App: ${role.name}`,
          },
          { parent: this },
        ),
    );

    const plan = new azure.web.AppServicePlan(
      `${name}-plan`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "functionapp",
        reserved: true,
        sku: consumptionPlanSku,
      },
      { parent: this },
    );

    this.packageHash = hashPackageFolder(args.packageDir);
    const packageBlob = new azure.storage.Blob(
      `${name}-package`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: args.storageAccountName,
        containerName: args.deploymentContainerName,
        // A new name per content: the URL in WEBSITE_RUN_FROM_PACKAGE changes, so the app restarts
        // on the new code; unchanged code keeps name and URL, and nothing is redeployed.
        blobName: packageBlobName(this.packageHash),
        type: azure.storage.BlobType.Block,
        contentType: "application/zip",
        source: new pulumi.asset.FileArchive(args.packageDir),
      },
      { parent: this },
    );

    const appSettings = pulumi
      .all([
        args.storageAccountName,
        identity.clientId,
        identity.id,
        packageBlob.url,
        args.applicationInsightsConnectionString,
      ])
      .apply(([storageAccountName, identityClientId, identityResourceId, packageUrl, insights]) =>
        functionAppSettings({
          settings: args.settings,
          storageAccountName,
          identityClientId,
          identityResourceId,
          packageUrl,
          applicationInsightsConnectionString: insights,
        }),
      );

    const site = new azure.web.WebApp(
      `${name}-app`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "functionapp,linux",
        reserved: true,
        serverFarmId: plan.id,
        httpsOnly: true,
        clientAffinityEnabled: false,
        identity: {
          type: azure.web.ManagedServiceIdentityType.UserAssigned,
          userAssignedIdentities: [identity.id],
        },
        siteConfig: {
          linuxFxVersion: nodeRuntime,
          ftpsState: azure.web.FtpsState.Disabled,
          minTlsVersion: azure.web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          scmMinTlsVersion: azure.web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          http20Enabled: true,
          appSettings,
        },
      },
      { parent: this, dependsOn: roleAssignments },
    );

    // Deployment goes through the package URL only: no basic-auth publishing over FTP or SCM.
    for (const [policy, Resource] of [
      ["ftp", azure.web.WebAppFtpAllowed],
      ["scm", azure.web.WebAppScmAllowed],
    ] as const) {
      new Resource(
        `${name}-${policy}-basic-auth`,
        { resourceGroupName: args.resourceGroupName, name: site.name, allow: false },
        { parent: this },
      );
    }

    const armToken = azure.authorization.getClientTokenOutput({}, { parent: this });
    const triggerSync = new TriggerSync(
      `${name}-trigger-sync`,
      {
        siteId: site.id,
        packageHash: this.packageHash,
        armToken: armToken.token,
        expectedFunctions: countFunctionEntryPoints(args.packageDir),
      },
      { parent: this, dependsOn: [site, packageBlob] },
    );

    // Keys exist once the host has started; the sync above waits until ARM lists the functions.
    const hostKeys = azure.web.listWebAppHostKeysOutput(
      { resourceGroupName: args.resourceGroupName, name: site.name },
      { parent: this, dependsOn: [triggerSync] },
    );

    this.name = site.name;
    this.id = site.id;
    this.defaultHostName = site.defaultHostName;
    this.apiBaseUrl = pulumi.interpolate`https://${site.defaultHostName}/api`;
    this.identityClientId = identity.clientId;
    this.packageUrl = packageBlob.url;
    this.defaultFunctionKey = pulumi.secret(
      hostKeys.apply((keys) => {
        const key = keys.functionKeys?.["default"];
        if (!key) {
          throw new Error(
            "the Function App returned no default function key yet (the host may still be starting): run `pulumi up` again",
          );
        }
        return key;
      }),
    );

    this.registerOutputs({
      name: this.name,
      apiBaseUrl: this.apiBaseUrl,
      identityClientId: this.identityClientId,
      packageUrl: this.packageUrl,
      defaultFunctionKey: this.defaultFunctionKey,
    });
  }
}
