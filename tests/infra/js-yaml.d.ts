// Types for the one js-yaml function the infra tests use (js-yaml comes with @pulumi/pulumi; it ships no types).
declare module "js-yaml" {
  export function load(text: string): unknown;
}
