// The deployment package as a blob named by its content: same code, same blob (nothing redeployed); new code, a new URL.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import { countFunctionEntryPoints, hashPackageFolder, packageBlobName } from "../deploymentPackage";
import { formerlyParentedAbove } from "./aliases";

/** How the package blob is replaced: the new one first, and the old one is left in place, never deleted. */
export const packageBlobOptions = { retainOnDelete: true, deleteBeforeReplace: false } as const;

export interface AppPackageArgs {
  resourceGroupName: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  /** Private container the package blob goes into. */
  deploymentContainerName: pulumi.Input<string>;
  /** Folder built by `npm run package`; zipped by Pulumi. */
  packageDir: string;
}

/**
 * Uploads the package; how the site is pointed at it is the hosting plan's part (infra/hosting/).
 *
 * A package blob is never deleted by Pulumi (`retainOnDelete`), so no replace can remove the
 * package the site runs: a replace whose old and new blob had the same name would otherwise
 * create the new blob and then delete it as "the old one". The name already follows exactly what
 * Pulumi zips (`hashPackageFolder`), so same name means same bytes; retaining is the second
 * guard. Old packages stay in the deployments container until removed by hand (docs/deploy.md,
 * "Package blobs"): no age-based rule can tell the live package from old ones.
 */
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
        // The real folder: Pulumi does not descend into a root that is a symlink, and would zip nothing.
        source: new pulumi.asset.FileArchive(fs.realpathSync(args.packageDir)),
      },
      formerlyParentedAbove(this, opts, packageBlobOptions),
    );

    this.url = blob.url;
    this.registerOutputs({ hash: this.hash, url: this.url });
  }
}
