// Flex Consumption (FC1): the plan, the site's functionAppConfig (runtime, scaling, deployment container), and One Deploy to make a package live.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { FlexOptions } from "../config";
import { InfraError } from "../errors";
import { OneDeploy } from "../dynamic/oneDeploy";
import type { DeployedApp, HostedApp, HostingPlan, PlanSiteProperties } from "./hostingPlan";

/** Flex Consumption; reserved=true because the plan is Linux-only. */
export const flexConsumptionPlanSku = { name: "FC1", tier: "FlexConsumption" } as const;

/**
 * App settings Flex Consumption rejects or deprecates: its runtime, version and code location
 * live in `functionAppConfig`, and it has no content share. The one list; the Flex site must
 * carry none of them (tests/infra/flexPlan.test.ts). Sources: functions-app-settings.md, "Flex
 * Consumption plan deprecations"; azure-cli's flex migration exclusion list;
 * azure-functions-dotnet-worker PR #2712 (AZURE.md, "Flex Consumption (FC1) details").
 */
export const flexRejectedAppSettings = [
  // The runtime is functionAppConfig.runtime; the host version is managed by the platform.
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_EXTENSION_VERSION",
  // "App setting WEBSITE_RUN_FROM_PACKAGE is not supported": code comes from the deployment container.
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
  // No Azure Files content share on Flex.
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_CONTENTOVERVNET",
  // Windows-only, and the Node version is functionAppConfig.runtime.version.
  "WEBSITE_NODE_DEFAULT_VERSION",
  // No build on the server: One Deploy with remoteBuild=false.
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  // Scale-out is functionAppConfig.scaleAndConcurrency.maximumInstanceCount.
  "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
] as const;

/**
 * The container Flex reads the app's code from (`functionAppConfig.deployment.storage`). One
 * Deploy writes the released package into it *with the app's identity*, so the identity must be
 * able to write there (Storage Blob Data Contributor or more; functions-infrastructure-as-code.md,
 * Flex Consumption deployment storage [M]): it cannot be the
 * `deployments` container, which the identity may only read (infra/roles.ts, blobOwnerCondition).
 * Our content-hashed packages stay in `deployments`; One Deploy downloads one by SAS.
 */
export const flexDeploymentContainer = "flex-deployment";

/**
 * How long One Deploy may download the package with its SAS: the whole `pulumi up` (the PUT is
 * retried for up to ~10 minutes, the site may take minutes to create before it) with room to
 * spare, and no longer: the SAS is kept (secret) in the state.
 */
export const packageSasLifetimeHours = 4;

/** Where a blob lives, read from its URL: `https://<account>.blob.<suffix>/<container>/<blob>`. */
export interface BlobLocation {
  accountName: string;
  containerName: string;
  blobName: string;
  /** `https://<account>.blob.<suffix>`: the account's blob endpoint, without a trailing slash. */
  serviceUrl: string;
}

/** Splits a blob URL (the package's, from azure-native's `Blob.url`) into account, container and blob. */
export function blobLocation(blobUrl: string): BlobLocation {
  const url = new URL(blobUrl);
  const [containerName, ...blobParts] = url.pathname.replace(/^\//, "").split("/");
  const accountName = url.hostname.split(".")[0];
  if (!accountName || !containerName || blobParts.length === 0 || url.search !== "") {
    throw new InfraError(
      `expected the package blob's URL as https://<account>.blob.core.windows.net/<container>/<blob> (no query), got ${blobUrl}`,
    );
  }
  return {
    accountName,
    containerName,
    blobName: blobParts.map(decodeURIComponent).join("/"),
    serviceUrl: url.origin,
  };
}

/**
 * A read-only SAS for the package blob, computed by ARM with the account key (the key never
 * reaches the program or the state). One Deploy needs a URL it can download: it does not read
 * a private blob with the app's identity. HTTPS only, this blob only, `packageSasLifetimeHours`.
 */
function packageUriWithSas(
  app: HostedApp,
  opts: pulumi.CustomResourceOptions,
  now: Date,
): pulumi.Output<string> {
  const location = pulumi.output(app.packageUrl).apply(blobLocation);
  const expiry = new Date(now.getTime() + packageSasLifetimeHours * 3_600_000);
  const sas = azure.storage.listStorageAccountServiceSASOutput(
    {
      resourceGroupName: app.resourceGroupName,
      accountName: location.accountName,
      canonicalizedResource: pulumi.interpolate`/blob/${location.accountName}/${location.containerName}/${location.blobName}`,
      resource: azure.storage.SignedResource.B,
      permissions: azure.storage.Permissions.R,
      protocols: azure.storage.HttpProtocol.Https,
      sharedAccessExpiryTime: expiry.toISOString().replace(/\.\d{3}Z$/, "Z"),
    },
    { parent: opts.parent },
  );
  return pulumi.secret(pulumi.interpolate`${app.packageUrl}?${sas.serviceSasToken}`);
}

/** The site's `functionAppConfig`: where its code is read from and how, its runtime, its scaling. */
function flexFunctionAppConfig(
  app: HostedApp,
  options: FlexOptions,
): azure.types.input.web.FunctionAppConfigArgs {
  const containerUrl = pulumi
    .output(app.packageUrl)
    .apply((url) => `${blobLocation(url).serviceUrl}/${flexDeploymentContainer}`);
  return {
    deployment: {
      storage: {
        type: azure.web.FunctionsDeploymentStorageType.BlobContainer,
        value: containerUrl,
        // The host reads its code, and One Deploy writes it, as the app's user-assigned identity.
        authentication: {
          type: azure.web.AuthenticationType.UserAssignedIdentity,
          userAssignedIdentityResourceId: app.identityId,
        },
      },
    },
    runtime: { name: azure.web.RuntimeName.Node, version: options.nodeVersion },
    scaleAndConcurrency: {
      instanceMemoryMB: options.instanceMemoryMb,
      maximumInstanceCount: options.maximumInstanceCount,
    },
  };
}

/** Flex Consumption with the given runtime and scaling (infra/config.ts, `cardpress:flex*`). */
export function flexConsumption(options: FlexOptions): HostingPlan {
  return {
    title: "Flex Consumption (FC1)",

    createPlan(name: string, app: HostedApp, opts: pulumi.CustomResourceOptions) {
      // The plan's own storage: created first, so the site never points at a missing container.
      const container = new azure.storage.BlobContainer(
        `${name}-${flexDeploymentContainer}`,
        {
          resourceGroupName: app.resourceGroupName,
          accountName: pulumi.output(app.packageUrl).apply((url) => blobLocation(url).accountName),
          containerName: flexDeploymentContainer,
          publicAccess: azure.storage.PublicAccess.None,
        },
        // A new resource: none of the plan's aliases (for resources that moved) apply to it.
        { parent: opts.parent },
      );
      // Its own logical name: switching plans creates this plan (and a new site) rather than
      // asking ARM to turn a Y1 plan into FC1, which it refuses.
      return new azure.web.AppServicePlan(
        `${name}-flex-plan`,
        {
          resourceGroupName: app.resourceGroupName,
          location: app.location,
          kind: "functionapp",
          reserved: true,
          sku: flexConsumptionPlanSku,
        },
        { ...opts, dependsOn: [container] },
      );
    },

    siteProperties(app: HostedApp): PlanSiteProperties {
      return {
        kind: "functionapp,linux",
        reserved: true,
        // No linuxFxVersion: Flex rejects it; the runtime is functionAppConfig.runtime.
        siteConfig: {},
        functionAppConfig: flexFunctionAppConfig(app, options),
        // Nothing beyond the shared settings: AzureWebJobsStorage__accountName (the identity form
        // AZURE.md prefers on Flex) and the job settings come from infra/appSettings.ts.
        appSettings: pulumi.output<Record<string, string>>({}),
      };
    },

    deployPackage(name: string, site: azure.web.WebApp, app: DeployedApp, opts) {
      // Flex deploys only through One Deploy, which syncs the triggers itself; a change of the
      // trigger inputs alone (PRUNE_SCHEDULE, …) is synced without redeploying.
      const armToken = azure.authorization.getClientTokenOutput({}, { parent: opts.parent });
      return new OneDeploy(
        `${name}-one-deploy`,
        {
          siteId: site.id,
          packageHash: app.packageHash,
          triggersHash: app.triggersHash,
          packageUri: packageUriWithSas(app, opts, new Date()),
          armToken: armToken.token,
          expectedFunctions: app.expectedFunctions,
        },
        opts,
      );
    },
  };
}
