// Application Insights backed by a Log Analytics workspace: where the Function App's logs and traces go.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";

export interface MonitoringArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Days the workspace keeps data (30 are included in the PerGB2018 price). */
  retentionDays: number;
}

export class Monitoring extends pulumi.ComponentResource {
  public readonly workspaceId: pulumi.Output<string>;
  public readonly applicationInsightsName: pulumi.Output<string>;
  /** ARM id of the Application Insights component: scope of the app's Monitoring Metrics Publisher role. */
  public readonly applicationInsightsId: pulumi.Output<string>;
  /** Carries the ingestion endpoint and instrumentation key: where to send, not a credential (local auth is off). */
  public readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:monitoring:Monitoring", name, {}, opts);

    const workspace = new azure.operationalinsights.Workspace(
      `${name}-logs`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: azure.operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
        retentionInDays: args.retentionDays,
      },
      { parent: this },
    );

    const insights = new azure.applicationinsights.Component(
      `${name}-insights`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "web",
        applicationType: azure.applicationinsights.ApplicationType.Web,
        ingestionMode: azure.applicationinsights.IngestionMode.LogAnalytics,
        workspaceResourceId: workspace.id,
        // Ingestion only with Microsoft Entra tokens: the connection string's instrumentation key
        // alone can no longer send telemetry. The app authenticates with its identity
        // (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, role Monitoring Metrics Publisher).
        disableLocalAuth: true,
      },
      { parent: this },
    );

    this.workspaceId = workspace.id;
    this.applicationInsightsName = insights.name;
    this.applicationInsightsId = insights.id;
    this.connectionString = insights.connectionString;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      applicationInsightsName: this.applicationInsightsName,
    });
  }
}
