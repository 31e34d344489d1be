import { createNextConfig } from "@credits/next-config";

export default createNextConfig({ rootDir: new URL("../../", import.meta.url) });
