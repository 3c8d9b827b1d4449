// Keeps resources that moved into a new component at their old identity, so an existing stack updates them in place instead of replacing them.
import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for a child of `component` that was a direct child of the component's own parent (the
 * FunctionApp) before the FunctionApp was split (issue 12). Pulumi knows a resource by its URN,
 * which names its parents' types; without the alias, `pulumi up` on a stack deployed before the
 * split would delete the resource and create it again. The logical names did not change, so the
 * former parent is all the alias needs. Keep it while such stacks may exist (docs/deploy.md).
 */
export function formerlyParentedAbove(
  component: pulumi.ComponentResource,
  componentOpts: pulumi.ComponentResourceOptions | undefined,
  extra: Omit<pulumi.CustomResourceOptions, "parent" | "aliases"> = {},
): pulumi.CustomResourceOptions {
  const formerParent = componentOpts?.parent;
  return { ...extra, parent: component, aliases: formerParent ? [{ parent: formerParent }] : [] };
}
