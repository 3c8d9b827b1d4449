// The deployment package as a blob named by its content: same code, same blob (nothing redeployed); new code, a new URL.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { countFunctionEntryPoints, hashPackageFolder, packageBlobName } from "../deploymentPackage";
import { formerlyParentedAbove } from "./aliases";

export interface AppPackageArgs {
  resourceGroupName: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  /** Private container the package blob goes into. */
  deploymentContainerName: pulumi.Input<string>;
  /** Folder built by `npm run package`; zipped by Pulumi. */
  packageDir: string;
}

/** Uploads the package; how the site is pointed at it is the hosting plan's part (infra/hosting/). */
export class AppPackage extends pulumi.ComponentResource {
  /** SHA-256 of the package folder. */
  public readonly hash: string;
  /** Functions the package defines (one compiled file each under dist/functions/). */
  public readonly expectedFunctions: number;
  /** The blob's plain URL: private, read with the app's identity. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: AppPackageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:functions:AppPackage", name, {}, opts);

    this.hash = hashPackageFolder(args.packageDir);
    this.expectedFunctions = countFunctionEntryPoints(args.packageDir);
    const blob = new azure.storage.Blob(
      `${name}-package`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: args.storageAccountName,
        containerName: args.deploymentContainerName,
        // A new name per content: the URL the site reads changes, so the app restarts on the new
        // code; unchanged code keeps name and URL, and nothing is redeployed.
        blobName: packageBlobName(this.hash),
        type: azure.storage.BlobType.Block,
        contentType: "application/zip",
        source: new pulumi.asset.FileArchive(args.packageDir),
      },
      formerlyParentedAbove(this, opts),
    );

    this.url = blob.url;
    this.registerOutputs({ hash: this.hash, url: this.url });
  }
}
