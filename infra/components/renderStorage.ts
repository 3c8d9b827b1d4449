// The storage account of cardpress, hardened: private containers for renders, jobs, assets and packages; the job queues; a lifecycle backstop.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../../settings";

export interface RenderStorageArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Days deleted blobs and containers can be restored. */
  softDeleteDays: number;
  /**
   * Blobs under `renders/` older than this many days are deleted by Azure itself: a backstop for
   * the prune timer, so a stopped app does not keep paying for storage.
   */
  deleteRendersAfterDays: number;
}

/** Every container cardpress needs: the jobs' three and the one for deployment packages. */
export const containerNames = { ...names.containers, deployments: names.deploymentContainer };

export class RenderStorage extends pulumi.ComponentResource {
  public readonly accountName: pulumi.Output<string>;
  public readonly accountId: pulumi.Output<string>;
  public readonly blobEndpoint: pulumi.Output<string>;
  public readonly queueEndpoint: pulumi.Output<string>;
  public readonly deploymentContainerName: pulumi.Output<string>;
  public readonly containerNames: pulumi.Output<Record<keyof typeof containerNames, string>>;
  public readonly renderQueueName: pulumi.Output<string>;
  public readonly poisonQueueName: pulumi.Output<string>;
  /**
   * Account-key connection string, for the `cardpress` CLI on a developer machine (it signs SAS
   * URLs with the key). The Function App does not use it: it connects with its identity.
   */
  public readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: RenderStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:storage:RenderStorage", name, {}, opts);

    const account = new azure.storage.StorageAccount(
      `${name}sa`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: azure.storage.Kind.StorageV2,
        sku: { name: azure.storage.SkuName.Standard_LRS },
        accessTier: azure.storage.AccessTier.Hot,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: azure.storage.MinimumTlsVersion.TLS1_2,
        allowBlobPublicAccess: false,
        allowCrossTenantReplication: false,
        // Stays true: Pulumi uploads the package blob with the account key
        // (pulumi-azure-native#2015), and the CLI signs SAS URLs with it. The Function App itself
        // authenticates with its managed identity.
        allowSharedKeyAccess: true,
        defaultToOAuthAuthentication: true,
      },
      { parent: this },
    );

    const blobService = new azure.storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
        containerDeleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
      },
      { parent: this },
    );

    const containers = Object.fromEntries(
      Object.entries(containerNames).map(([key, containerName]) => [
        key,
        new azure.storage.BlobContainer(
          `${name}-${containerName}`,
          {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            containerName,
            publicAccess: azure.storage.PublicAccess.None,
          },
          { parent: this, dependsOn: [blobService] },
        ),
      ]),
    ) as Record<keyof typeof containerNames, azure.storage.BlobContainer>;

    const [renderQueue, poisonQueue] = [names.renderQueue, names.poisonQueue].map(
      (queueName) =>
        new azure.storage.Queue(
          `${name}-${queueName}`,
          { resourceGroupName: args.resourceGroupName, accountName: account.name, queueName },
          { parent: this },
        ),
    ) as [azure.storage.Queue, azure.storage.Queue];

    new azure.storage.ManagementPolicy(
      `${name}-lifecycle`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        // The only name ARM accepts for an account's management policy.
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "delete-old-renders",
              enabled: true,
              type: azure.storage.RuleType.Lifecycle,
              definition: {
                filters: {
                  blobTypes: ["blockBlob"],
                  prefixMatch: [`${names.containers.renders}/`],
                },
                actions: {
                  baseBlob: {
                    delete: { daysAfterModificationGreaterThan: args.deleteRendersAfterDays },
                  },
                },
              },
            },
          ],
        },
      },
      { parent: this, dependsOn: [containers.renders] },
    );

    const keys = azure.storage.listStorageAccountKeysOutput({
      resourceGroupName: args.resourceGroupName,
      accountName: account.name,
    });

    this.accountName = account.name;
    this.accountId = account.id;
    this.blobEndpoint = account.primaryEndpoints.blob;
    this.queueEndpoint = account.primaryEndpoints.queue;
    this.deploymentContainerName = containers.deployments.name;
    this.containerNames = pulumi
      .all(
        Object.entries(containers).map(([key, container]) =>
          container.name.apply((containerName) => [key, containerName] as const),
        ),
      )
      .apply((pairs) => Object.fromEntries(pairs) as Record<keyof typeof containerNames, string>);
    this.renderQueueName = renderQueue.name;
    this.poisonQueueName = poisonQueue.name;
    this.connectionString = pulumi.secret(
      pulumi.all([account.name, keys.keys]).apply(([accountName, accountKeys]) => {
        const key = accountKeys[0]?.value;
        if (!key) throw new Error(`storage account ${accountName} returned no access key`);
        return `DefaultEndpointsProtocol=https;AccountName=${accountName};AccountKey=${key};EndpointSuffix=core.windows.net`;
      }),
    );

    this.registerOutputs({
      accountName: this.accountName,
      accountId: this.accountId,
      containerNames: this.containerNames,
      renderQueueName: this.renderQueueName,
      poisonQueueName: this.poisonQueueName,
      connectionString: this.connectionString,
    });
  }
}
