#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on machines without
# access to Prisma's binary host. `prisma generate` only checks that the engine file exists;
# migrations run through the WebAssembly engine instead (`pnpm db:migrate`, see packages/db/src/migrate.ts).
echo "The native Prisma schema engine is not installed here; use pnpm db:migrate / db:migrate:dev / db:status." >&2
exit 1
