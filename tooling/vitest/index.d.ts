import type { ViteUserConfig } from "vitest/config";

export declare function defineVitestConfig(options: { name: string }): ViteUserConfig;
