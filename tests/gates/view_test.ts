import assert from "node:assert/strict";
import { runGates } from "../../gates/runner.ts";
import { stripAnsi } from "../../core/text.ts";
import { allowAll, step } from "./_helpers.ts";

const exec = allowAll();

Deno.test("runGates plain view prints one line per event and the tail of a failure", async () => {
  let text = "";
  await runGates([step("ok", "true"), step("bad", "echo first; echo 'the real cause'; exit 1")], {
    exec,
    repoRoot: ".",
    view: "plain",
    write: (t) => text += t,
  });
  assert.match(text, /\[gate\] ok: started \(true\)/);
  assert.match(text, /\[gate\] ok: passed in \d+\.\ds/);
  assert.match(text, /\[gate\] bad: failed \(exit 1\) in/);
  assert.match(text, / {4}\| the real cause/);
  assert.ok(!text.includes("\x1b["));
});

Deno.test("runGates tty view redraws with ANSI and shows the failing tail", async () => {
  let text = "";
  await runGates([step("ok", "true"), step("bad", "echo 'boom here'; exit 1")], {
    exec,
    repoRoot: ".",
    view: "tty",
    write: (t) => text += t,
  });
  assert.ok(text.includes("\x1b[2K"));
  const plain = stripAnsi(text);
  assert.match(plain, /✔ ok/);
  assert.match(plain, /│ boom here/);
});

Deno.test("createView tty view never colours when colour is off", async () => {
  const { createView } = await import("../../gates/view.ts");
  let text = "";
  const s = step("x", "true");
  const view = createView("tty", [s], { write: (t) => text += t, color: false, columns: 80 });
  view.started(s);
  view.finished({
    id: "x",
    name: "x",
    required: true,
    status: "failed",
    exitCode: 1,
    durationMs: 5,
    output: "oops",
    failures: [],
  });
  view.close();
  assert.match(text, /✘ x/);
  assert.ok(!/\[\d+m/.test(text.replaceAll("\x1b", "")));
});
