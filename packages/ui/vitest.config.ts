import { defineVitestConfig } from "@credits/vitest-config";

export default defineVitestConfig({ name: "ui" });
