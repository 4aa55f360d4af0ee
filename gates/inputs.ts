/**
 * What a gate's result depends on, for minimal re-runs: an install-like gate
 * (`npm ci`, `pip install -r …`, `bundle install`, …) depends only on the
 * dependency manifests and lockfiles, so a fix that touches none of them does
 * not need it run again; every other gate is assumed to read any file.
 *
 * @module
 */

import type { GateStep } from "./plan.ts";

// Package-manager commands that install dependencies (not `npm install x`:
// that adds a package, and the diff would then touch package.json anyway).
const INSTALL_COMMAND =
  /(?:^|[;&|]\s*|\s)(?:npm\s+(?:ci|install|i)(?:\s+--?[\w-]+(?:=\S+)?)*\s*(?:$|[;&|])|yarn(?:\s+install)?(?:\s+--?[\w-]+(?:=\S+)?)*\s*(?:$|[;&|])|pnpm\s+(?:install|i)\b|bun\s+install\b|pip3?\s+install\b|python3?\s+-m\s+pip\s+install\b|uv\s+(?:sync|pip\s+install)\b|poetry\s+install\b|pipenv\s+(?:install|sync)\b|bundle(?:\s+install)?\s*(?:$|[;&|])|go\s+mod\s+download\b|cargo\s+fetch\b|composer\s+install\b|dotnet\s+restore\b|mvn\s+[^;&|]*dependency:(?:resolve|go-offline)\b)/;

// Dependency manifests and lockfiles, by base name.
const MANIFEST =
  /(?:^|\/)(?:package(?:-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|pnpm-workspace\.yaml|bun\.lockb?|\.npmrc|\.yarnrc(?:\.yml)?|requirements[\w.-]*\.(?:txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|poetry\.lock|Pipfile(?:\.lock)?|setup\.(?:py|cfg)|uv\.lock|Gemfile(?:\.lock)?|[\w.-]+\.gemspec|go\.(?:mod|sum|work)|Cargo\.(?:toml|lock)|composer\.(?:json|lock)|pom\.xml|[\w.-]+\.csproj|packages\.lock\.json|build\.gradle(?:\.kts)?|gradle\.lockfile)$/;

/**
 * Whether a step only installs dependencies.
 *
 * @param step The step.
 * @returns True for `npm ci`, `pip install -r requirements.txt`, `bundle install`, …
 */
export function isInstallLike(step: Pick<GateStep, "run">): boolean {
  return !!step.run && INSTALL_COMMAND.test(step.run.trim());
}

/**
 * Whether a changed path is a dependency manifest or lockfile.
 *
 * @param path Repository-relative path.
 * @returns True for package.json, lockfiles, requirements*.txt, go.mod, …
 */
export function isDependencyManifest(path: string): boolean {
  return MANIFEST.test(path);
}
