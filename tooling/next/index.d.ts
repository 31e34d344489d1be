import type { NextConfig } from "next";

export declare function createNextConfig(options: { rootDir: URL }): NextConfig;
