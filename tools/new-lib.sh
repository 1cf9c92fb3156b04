#!/usr/bin/env bash
# Scaffolds a TypeScript library project: tools/new-lib.sh <dir> <name> <tags-json>
set -euo pipefail
dir=$1; name=$2; tags=$3
up=$(echo "$dir" | sed -E 's#[^/]+#..#g')
mkdir -p "$dir/src"
cat > "$dir/project.json" <<J
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "library",
  "tags": $tags
}
J
cat > "$dir/tsconfig.json" <<J
{
  "extends": "$up/tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.lib.json" }, { "path": "./tsconfig.spec.json" }]
}
J
cat > "$dir/tsconfig.lib.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "jest.config.js"]
}
J
cat > "$dir/tsconfig.spec.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc", "types": ["jest", "node"] },
  "include": ["jest.config.js", "src/**/*.ts"]
}
J
cat > "$dir/jest.config.js" <<J
/** @type {import('jest').Config} */
module.exports = {
  displayName: '$name',
  preset: '$up/jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
J
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
