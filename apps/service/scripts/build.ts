// `pnpm --filter @credits/service build`: the service and the workspace packages it runs (their
// TypeScript) as one ES module, dist/main.mjs, which `pnpm start` runs on plain Node. Running the
// sources through tsx in production cost memory the service does not need: the loader's transform
// cache and an esbuild child process (together about 60 MB of the service's peak, measured by
// `pnpm bench` rows 1b-2c). Third-party packages stay outside the bundle, imported from
// node_modules where pnpm installed them, by paths relative to dist/ (so the checkout can move).
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Leaves every package outside the workspace to Node, resolved where the importer would find it. */
const thirdPartyExternal = (outfile: string): Plugin => ({
  name: "third-party-external",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("node:") || args.path.startsWith("@credits/") || args.pluginData) {
        return undefined;
      }
      const found = await builder.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: { resolvingExternal: true },
      });
      if (found.errors.length > 0) return { errors: found.errors };
      if (!found.path.includes("/node_modules/")) return undefined;
      const path = relative(dirname(outfile), found.path);
      return { path: path.startsWith(".") ? path : `./${path}`, external: true };
    });
  },
});

/** Bundles src/main.ts into `outfile` (dist/main.mjs unless told; tests build their own). */
export async function buildService(outfile = resolve(appDir, "dist/main.mjs")): Promise<void> {
  await build({
    entryPoints: [resolve(appDir, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    sourcemap: true,
    logLevel: "warning",
    plugins: [thirdPartyExternal(outfile)],
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildService();
  console.log("built dist/main.mjs");
}
