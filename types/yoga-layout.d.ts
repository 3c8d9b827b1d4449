// Types for `yoga-layout/load`: they sit behind package.json "exports", which node10 resolution
// does not read (a tsconfig "paths" entry would also redirect tsx at run time, to a .d.ts).
declare module "yoga-layout/load" {
  export * from "yoga-layout/dist/src/load";
}
