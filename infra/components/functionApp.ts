// The Function App, composed of three parts: its identity and roles, its package, and the site that runs it on the chosen hosting plan.
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../settings";
import type { HostingPlan } from "../hosting/hostingPlan";
import { AppIdentity } from "./appIdentity";
import { AppPackage } from "./appPackage";
import { FunctionSite } from "./functionSite";

export interface FunctionAppArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Which plan hosts the app (infra/hosting/); chosen in infra/index.ts. */
  hostingPlan: HostingPlan;
  storageAccountName: pulumi.Input<string>;
  /** Scope of the identity's role assignments. */
  storageAccountId: pulumi.Input<string>;
  /** Private container the package blob goes into. */
  deploymentContainerName: pulumi.Input<string>;
  /** Folder built by `npm run package`; zipped by Pulumi. */
  packageDir: string;
  /** The job pipeline's settings, written as app settings. */
  settings: Settings;
  /** App settings whose values are secrets (the card-URL signing keys), by name. */
  secretSettings: Record<string, pulumi.Input<string>>;
  applicationInsightsConnectionString: pulumi.Input<string>;
  /** The Application Insights component: the identity publishes telemetry to it with Entra authentication. */
  applicationInsightsId: pulumi.Input<string>;
}

export class FunctionApp extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly id: pulumi.Output<string>;
  public readonly defaultHostName: pulumi.Output<string>;
  /** `https://<host>/api`: where `POST /api/batches` and friends live. */
  public readonly apiBaseUrl: pulumi.Output<string>;
  /** `https://<host>`: the base URL card URLs are signed for (signCardUrl's `baseUrl`; the route `/api/og` follows it). */
  public readonly ogBaseUrl: pulumi.Output<string>;
  public readonly identityClientId: pulumi.Output<string>;
  public readonly packageHash: string;
  public readonly packageUrl: pulumi.Output<string>;
  /** The host's `default` function key, for `x-functions-key`; a secret. */
  public readonly defaultFunctionKey: pulumi.Output<string>;

  constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:functions:FunctionApp", name, {}, opts);

    const identity = new AppIdentity(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        storageAccountId: args.storageAccountId,
        // The app reads its packages there but can never overwrite or delete one (infra/roles.ts).
        readOnlyContainers: [args.deploymentContainerName],
        applicationInsightsId: args.applicationInsightsId,
      },
      { parent: this },
    );
    const appPackage = new AppPackage(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        storageAccountName: args.storageAccountName,
        deploymentContainerName: args.deploymentContainerName,
        packageDir: args.packageDir,
      },
      { parent: this },
    );
    const site = new FunctionSite(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        hostingPlan: args.hostingPlan,
        identity,
        appPackage,
        storageAccountName: args.storageAccountName,
        settings: args.settings,
        secretSettings: args.secretSettings,
        applicationInsightsConnectionString: args.applicationInsightsConnectionString,
      },
      { parent: this },
    );

    this.name = site.name;
    this.id = site.id;
    this.defaultHostName = site.defaultHostName;
    this.apiBaseUrl = pulumi.interpolate`https://${site.defaultHostName}/api`;
    this.ogBaseUrl = pulumi.interpolate`https://${site.defaultHostName}`;
    this.identityClientId = identity.clientId;
    this.packageHash = appPackage.hash;
    this.packageUrl = appPackage.url;
    this.defaultFunctionKey = site.defaultFunctionKey;

    this.registerOutputs({
      name: this.name,
      apiBaseUrl: this.apiBaseUrl,
      ogBaseUrl: this.ogBaseUrl,
      identityClientId: this.identityClientId,
      packageUrl: this.packageUrl,
      defaultFunctionKey: this.defaultFunctionKey,
    });
  }
}
