import assert from "node:assert/strict";
import { importsOf, isBarrel, loadProjectHints, noHints } from "../../agents/imports.ts";

const known = new Set([
  "tsconfig.json",
  "src/money/index.ts",
  "src/money/round.ts",
  "lib/util.js",
  "shop/__init__.py",
  "shop/pricing.py",
  "shop/sub/__init__.py",
  "shop/sub/tax.py",
  "packages/core/src/corepkg/api.py",
  "go.mod",
  "pkg/calc/ratio.go",
  "pkg/calc/helpers.go",
  "pkg/calc/ratio_test.go",
  "svc/go.mod",
  "svc/internal/db/db.go",
  "Cargo.toml",
  "src/lib.rs",
  "src/stats.rs",
  "src/stats/mean.rs",
  "src/main/java/com/acme/Calc.java",
  "src/main/java/com/acme/Other.java",
  "src/main/java/com/acme/money/Rounding.java",
  "src/test/java/com/acme/CalcTest.java",
  "lib/shop/cart.rb",
  "test/cart_test.rb",
]);
const files: Record<string, string> = {
  "tsconfig.json":
    '{\n  // comment\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], "~lib": ["lib/util.js"] }, },\n}\n',
  "go.mod": "module example.com/app\n\ngo 1.21\n",
  "svc/go.mod": "module example.com/svc\n",
  "Cargo.toml": '[package]\nname = "shop-core"\nversion = "0.1.0"\n',
};

Deno.test("loadProjectHints reads go.mod modules, crate names and tsconfig paths (JSONC)", async () => {
  const h = await loadProjectHints(known, (p) => Promise.resolve(files[p] ?? null));
  assert.equal(h.goModules.get(""), "example.com/app");
  assert.equal(h.goModules.get("svc"), "example.com/svc");
  assert.equal(h.crates.get(""), "shop_core");
  assert.deepEqual(h.tsPaths?.paths, [["@/*", ["src/*"]], ["~lib", ["lib/util.js"]]]);
});

Deno.test("importsOf resolves every language's imports to repository files", async () => {
  const h = await loadProjectHints(known, (p) => Promise.resolve(files[p] ?? null));
  assert.deepEqual(
    importsOf(
      "test/a.test.ts",
      'import { round } from "@/money";\nimport u from "~lib";\n',
      known,
      h,
    ),
    ["src/money/index.ts", "lib/util.js"],
  );
  assert.deepEqual(importsOf("src/money/index.ts", 'export * from "./round.ts";\n', known, h), [
    "src/money/round.ts",
  ]);
  assert.deepEqual(
    importsOf("shop/__init__.py", "from .pricing import total\nfrom . import sub\n", known, h),
    ["shop/pricing.py", "shop/sub/__init__.py"],
  );
  assert.deepEqual(
    importsOf("shop/sub/tax.py", "from ..pricing import (\n    total,\n    vat,\n)\n", known, h),
    ["shop/pricing.py"],
  );
  assert.deepEqual(
    importsOf("tests/test_api.py", "import corepkg.api as api\n", known, h),
    ["packages/core/src/corepkg/api.py"],
  );
  assert.deepEqual(importsOf("pkg/calc/ratio_test.go", "package calc\n", known, h), [
    "pkg/calc/ratio.go",
    "pkg/calc/helpers.go",
  ]);
  assert.deepEqual(
    importsOf("svc/cmd/main.go", 'import "example.com/svc/internal/db"\n', known, h),
    ["svc/internal/db/db.go"],
  );
  assert.deepEqual(
    importsOf("tests/it.rs", "use shop_core::stats::mean::avg;\n", known, h),
    ["src/stats/mean.rs"],
  );
  assert.deepEqual(
    importsOf(
      "src/test/java/com/acme/CalcTest.java",
      "package com.acme;\n\nimport com.acme.money.Rounding;\n\nclass CalcTest { int x = Calc.add(1, 2); }\n",
      known,
      h,
    ),
    ["src/main/java/com/acme/money/Rounding.java", "src/main/java/com/acme/Calc.java"],
  );
  assert.deepEqual(
    importsOf(
      "test/cart_test.rb",
      'require "minitest/autorun"\nrequire_relative "../lib/shop/cart"\n',
      known,
      h,
    ),
    ["lib/shop/cart.rb"],
  );
  assert.deepEqual(
    importsOf("bin/x.rb", 'require "shop/cart"\n', known, noHints()),
    ["lib/shop/cart.rb"],
  );
});

Deno.test("importsOf leaves packages, absolute specifiers and paths outside the repository alone", () => {
  assert.deepEqual(
    importsOf(
      "a.ts",
      'import x from "react";\nimport y from "node:fs";\nimport z from "../../outside.ts";\n',
      known,
    ),
    [],
  );
  assert.deepEqual(importsOf("x.py", "import os\nfrom typing import List\n", known), []);
  assert.ok(isBarrel("src/money/index.ts") && isBarrel("shop/__init__.py"));
  assert.ok(!isBarrel("src/money/round.ts"));
});
