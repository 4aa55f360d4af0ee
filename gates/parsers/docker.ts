/**
 * Docker build errors: BuildKit (`ERROR: failed to solve: …`, with the failing
 * `[stage n/m] RUN …` step and the `Dockerfile:12` location) and the legacy
 * builder (`The command '…' returned a non-zero code: 1`), plus daemon errors.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const SOLVE =
  /^(?:#\d+ )?ERROR: failed to solve(?: with frontend [\w.]+)?: (.*)$|^ERROR: (failed to (?:build|compute cache key).*)$/;
const LEGACY = /^The command '(.+)' returned a non-zero code: (\d+)$/;
const DAEMON = /^(?:docker: )?Error response from daemon: (.*)$/;

/** Parser for docker build output. */
export const dockerParser: FailureParser = {
  family: "docker",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    lines.forEach((l, i) => {
      const solve = SOLVE.exec(l);
      const legacy = solve ? null : LEGACY.exec(l);
      const daemon = solve || legacy ? null : DAEMON.exec(l);
      if (!solve && !legacy && !daemon) return;
      const message =
        (solve?.[1] ?? solve?.[2] ?? (legacy ? `${legacy[1]} exited ${legacy[2]}` : daemon![1]))!;
      let file: string | undefined;
      let line: number | undefined;
      let step: string | undefined;
      for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
        const d = /^(\S*Dockerfile[\w.-]*):(\d+)$/.exec(lines[j]!);
        if (d) [file, line] = [d[1], Number(d[2])];
      }
      for (let j = i - 1; j >= Math.max(0, i - 80) && !step; j--) {
        const s = /^\s*> \[([^\]]+)\] (.+?):?$/.exec(lines[j]!) ??
          /^#\d+ \[([^\]]+)\] (RUN .+)$/.exec(lines[j]!);
        if (s) step = `[${s[1]}] ${s[2]}`;
      }
      const code = /did not complete successfully: exit code: (\d+)/.exec(message)
        ? "run-failed"
        : /failed to compute cache key|not found/.test(message)
        ? "copy-missing"
        : /pull access denied|manifest unknown|not found: manifest/.test(message)
        ? "image-not-found"
        : legacy
        ? "run-failed"
        : daemon
        ? "daemon"
        : "build-failed";
      out.push(makeFailure(gate, "docker", {
        file: file ?? "Dockerfile",
        line,
        code,
        message: step ? `${step}: ${message}` : message,
        excerpt: excerptOf(lines, Math.max(0, i - 8), i + 12),
      }));
    });
    return out;
  },
};
