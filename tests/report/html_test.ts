import assert from "node:assert/strict";
import { renderHtml } from "../../report/html.ts";
import { escapeHtml } from "../../core/text.ts";
import { sampleReport } from "./_fixture.ts";

Deno.test("renderHtml makes one self-contained document", () => {
  const html = renderHtml(sampleReport());
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.ok(html.trimEnd().endsWith("</html>"));
  assert.ok(!/<script|<link|src=|href=|url\(/i.test(html), "no scripts or external assets");
  assert.match(html, /Content-Security-Policy/);
});

Deno.test("renderHtml escapes every value from the run", () => {
  const html = renderHtml(sampleReport({ repo: `acme/"fleet"&<x>` }));
  assert.ok(!html.includes("<script>alert"));
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /acme\/&quot;fleet&quot;&amp;&lt;x&gt;/);
});

Deno.test("renderHtml colours diff lines and shows the review", () => {
  const html = renderHtml(sampleReport());
  assert.match(html, /<span class="add">\+const n: number = 1;<\/span>/);
  assert.match(html, /<span class="del">-const n: number = &quot;1&quot;;<\/span>/);
  assert.match(html, /<span class="mark m-passed" aria-hidden="true"><\/span>approved/);
  assert.match(
    html,
    /<h2>Verification: staging: <span class="mark m-passed"[^>]*><\/span>passed<\/h2>/,
  );
});

Deno.test("escapeHtml replaces the five HTML-significant characters", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});
