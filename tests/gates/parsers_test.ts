import assert from "node:assert/strict";
import type { Failure } from "../../core/types.ts";
import { extractFailures } from "../../gates/failures.ts";

const LOGS = new URL("../fixtures/logs/", import.meta.url);
const corpus = (name: string) => Deno.readTextFileSync(new URL(`${name}.log`, LOGS));
const pick = (f: Failure) => [f.tool, f.code, f.file, f.line, f.column];

Deno.test("tsc parser reads every error with file, position and code", () => {
  const fs = extractFailures("typecheck", corpus("js_tsc_github"));
  assert.deepEqual(fs.map(pick), [
    ["tsc", "TS2322", "src/api/vehicles.ts", 42, 7],
    ["tsc", "TS2339", "src/components/VehicleTable.tsx", 118, 23],
    ["tsc", "TS2554", "src/components/VehicleTable.tsx", 131, 9],
  ]);
  assert.match(fs[0]!.excerpt, /Type 'undefined' is not assignable/);
  assert.equal(fs[0]!.gate, "typecheck");
});

Deno.test("tsc parser reads the pretty format", () => {
  const out =
    "src/main.ts:4:7 - error TS2304: Cannot find name 'foo'.\n\n4 const x = foo;\n        ~~~\n";
  assert.deepEqual(extractFailures("t", out).map(pick), [["tsc", "TS2304", "src/main.ts", 4, 7]]);
});

Deno.test("eslint parser reads stylish errors and ignores warnings", () => {
  const fs = extractFailures("lint", corpus("js_eslint_azure"));
  assert.deepEqual(fs.map((f) => [f.code, f.line]), [["no-unused-vars", 14], ["eqeqeq", 88], [
    "no-unreachable",
    91,
  ]]);
  assert.equal(fs[1]!.file, "/home/vsts/work/1/s/src/services/telemetry.js");
});

Deno.test("eslint parser reads the JSON format", () => {
  const json = JSON.stringify([{
    filePath: "/repo/src/a.js",
    messages: [
      { ruleId: "no-undef", severity: 2, message: "'x' is not defined.", line: 3, column: 5 },
      { ruleId: "semi", severity: 1, message: "Missing semicolon.", line: 4, column: 9 },
    ],
  }]);
  assert.deepEqual(extractFailures("lint", `> eslint -f json .\n${json}\n`).map(pick), [
    ["eslint", "no-undef", "/repo/src/a.js", 3, 5],
  ]);
});

Deno.test("deno parsers read check, lint and test failures", () => {
  assert.deepEqual(extractFailures("c", corpus("js_deno_check_github")).map(pick), [
    ["deno-check", "TS2345", "home/runner/work/relay/relay/routes/load.ts", 27, 33].map((v) =>
      v === "home/runner/work/relay/relay/routes/load.ts" ? "routes/load.ts" : v
    ),
  ]);
  const lint =
    "error[no-unused-vars]: `x` is never used\n --> /repo/mod.ts:3:7\n  |\n3 | const x = 1;\n";
  assert.deepEqual(extractFailures("l", lint).map(pick), [
    ["deno-lint", "no-unused-vars", "/repo/mod.ts", 3, 7],
  ]);
  const [t] = extractFailures("t", corpus("js_deno_test_plain"));
  assert.deepEqual(pick(t!), ["deno-test", "AssertionError", "tests/fare_test.ts", 21, 6]);
  assert.match(t!.message, /fare caps long trips: AssertionError: Values are not equal/);
});

Deno.test("jest and vitest parsers name the test and its location", () => {
  const [j] = extractFailures("test", corpus("js_jest_github"));
  assert.deepEqual(pick(j!), ["jest", "toEqual", "src/fleet/route-planner.test.ts", 23, 19]);
  assert.match(j!.message, /RoutePlanner › orders stops by distance/);
  const [v] = extractFailures("test", corpus("js_vitest_gitlab"));
  assert.deepEqual(pick(v!), ["vitest", "AssertionError", "src/dispatch/assign.test.ts", 31, 27]);
  const [s] = extractFailures("test", corpus("js_yarn_jest_suite_failed"));
  assert.match(s!.message, /Test suite failed to run: Cannot find module/);
});

Deno.test("node:test parser reads the spec reporter and TAP", () => {
  const fs = extractFailures("test", corpus("js_node_test_github"));
  assert.equal(fs.length, 1, "the failing-tests summary is not a second failure");
  assert.deepEqual(pick(fs[0]!), [
    "node:test",
    "ERR_ASSERTION",
    "test/odometer.test.js",
    12,
    12,
  ]);
  const tap = [
    "TAP version 13",
    "# Subtest: adds",
    "not ok 1 - adds",
    "  ---",
    "  duration_ms: 0.8",
    "  location: '/repo/test/sum.test.js:3:1'",
    "  failureType: 'testCodeFailure'",
    "  error: 'Expected values to be strictly equal:\\n\\n3 !== 4\\n'",
    "  code: 'ERR_ASSERTION'",
    "  ...",
    "1..1",
  ].join("\n");
  const [t] = extractFailures("test", tap);
  assert.deepEqual(pick(t!), ["node:test", "ERR_ASSERTION", "/repo/test/sum.test.js", 3, 1]);
});

Deno.test("mocha parser reads the failing list", () => {
  const [m] = extractFailures("test", corpus("js_mocha_travis"));
  assert.deepEqual(pick(m!), ["mocha", "AssertionError", "test/geofence.spec.js", 27, 14]);
  assert.match(
    m!.message,
    /^Geofence contains\(\) is true for a point on the edge: AssertionError/,
  );
});

Deno.test("npm parser reads ERESOLVE, E404, EUSAGE, missing script and EBADENGINE", () => {
  const one = (name: string) => {
    const fs = extractFailures("install", corpus(name)).filter((f) => f.tool === "npm");
    assert.equal(fs.length, 1, name);
    return fs[0]!;
  };
  assert.match(one("js_npm_eresolve_github").message, /peer react@"\^16\.8\.0 \|\| \^17\.0\.0"/);
  assert.equal(one("js_npm_e404_travis").code, "E404");
  assert.match(one("js_npm_e404_travis").message, /lodash\.debounc/);
  const lock = one("js_npm_ci_lock_github");
  assert.equal(lock.code, "EUSAGE");
  assert.match(lock.message, /Lockfile out of sync.*Missing: zod@3\.23\.8/);
  assert.equal(one("js_missing_script_plain").code, "missing-script");
  const engine = one("js_ebadengine_github");
  assert.equal(engine.code, "EBADENGINE");
  assert.match(engine.message, /required \{"node"/);
});

Deno.test("npm parser ignores ELIFECYCLE, the consequence of a failing script", () => {
  const out = "npm ERR! code ELIFECYCLE\nnpm ERR! errno 1\nnpm ERR! app@1.0.0 build: `tsc`\n";
  assert.equal(extractFailures("b", out).filter((f) => f.tool === "npm").length, 0);
});

Deno.test("bundler parsers read webpack, vite and esbuild", () => {
  assert.deepEqual(extractFailures("b", corpus("js_webpack_azure")).map(pick), [
    ["webpack", "Module not found", "src/features/maintenance/ScheduleView.tsx", 14, 1],
  ]);
  const [v] = extractFailures("b", corpus("js_vite_github"));
  assert.equal(v!.tool, "vite");
  assert.match(v!.message, /Rollup failed to resolve import "@\/lib\/analytics"/);
  const es = extractFailures("b", corpus("js_esbuild_plain"));
  assert.deepEqual(es.map(pick), [["esbuild", undefined, "src/logging/logger.ts", 4, 23]]);
});

Deno.test("python parser reads tracebacks and pytest sections", () => {
  const [tb] = extractFailures("migrate", corpus("py_traceback_gitlab"));
  assert.deepEqual(pick(tb!), ["python", "ModuleNotFoundError", "manage.py", 18, undefined]);
  const [pt] = extractFailures("test", corpus("py_pytest_github"));
  assert.deepEqual(pick(pt!), ["pytest", "AssertionError", "tests/test_trip.py", 41, undefined]);
  assert.match(pt!.message, /test_fuel_cost_per_km_rounding: assert 0\.1639 == 0\.16/);
  const [ce] = extractFailures("test", corpus("py_pytest_collect_error_github"));
  assert.equal(ce!.code, "ImportError");
  assert.equal(ce!.file, "tests/test_inventory.py");
});

Deno.test("docker parser reads BuildKit failures with the failing step", () => {
  const fs = extractFailures("image", corpus("docker_npm_ci_github"));
  const d = fs.find((f) => f.tool === "docker")!;
  assert.equal(d.code, "run-failed");
  assert.equal(d.file, "Dockerfile");
  assert.match(d.message, /^\[build 4\/6\] RUN npm ci --omit=dev:/);
  assert.ok(
    fs.some((f) => f.tool === "npm" && f.code === "ENOTEMPTY"),
    "the cause inside the step",
  );
  const [c] = extractFailures("image", corpus("docker_copy_missing_github"));
  assert.equal(c!.code, "copy-missing");
  const legacy = "Step 4/7 : RUN make\nThe command '/bin/sh -c make' returned a non-zero code: 2\n";
  assert.equal(extractFailures("image", legacy)[0]!.code, "run-failed");
});

Deno.test("kubectl parser reads validation, API and rollout errors", () => {
  assert.deepEqual(extractFailures("deploy", corpus("k8s_kubectl_apply_github")).map(pick), [
    ["kubectl", "ValidationError", "k8s/deployment.yaml", undefined, undefined],
  ]);
  assert.equal(
    extractFailures("deploy", corpus("k8s_rollout_plain"))[0]!.code,
    "ProgressDeadlineExceeded",
  );
  const api = 'Error from server (NotFound): deployments.apps "web" not found\n';
  assert.equal(extractFailures("deploy", api)[0]!.code, "NotFound");
});

Deno.test("oom parser reads V8, kernel and JVM out-of-memory deaths", () => {
  assert.equal(extractFailures("build", corpus("js_heap_oom_github"))[0]!.code, "js-heap");
  assert.equal(
    extractFailures(
      "t",
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n',
    )[0]!
      .code,
    "java-heap",
  );
  assert.equal(
    extractFailures("t", "bash: line 1:  4242 Killed  node build.js\n")[0]!.code,
    "SIGKILL",
  );
});

Deno.test("extractFailures falls back to generic chunks with a location", () => {
  const [g] = extractFailures("build", corpus("c_gcc_github"));
  assert.deepEqual(pick(g!), ["generic", undefined, "src/obd.c", 88, 17]);
  assert.match(g!.excerpt, /In function 'obd_read_pid'/);
  assert.deepEqual(extractFailures("ok", "all good\n3 passed\n"), []);
});
