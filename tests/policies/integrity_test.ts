// The oracle-integrity check: for every item of test weakening and check
// silencing, in every listed language, a weakening patch is found and an
// honest change (tightening or renaming a test, an ordinary fix) is not.
import assert from "node:assert/strict";
import { checkIntegrity, type FailureFacts } from "../../policies/integrity.ts";

/** A one-hunk diff of `path`; `body` lines start with " ", "-" or "+". */
function diff(path: string, body: string, start = 1): string {
  const lines = body.replace(/^\n/, "").replace(/\n$/, "").split("\n");
  const old = lines.filter((l) => !l.startsWith("+")).length;
  const neu = lines.filter((l) => !l.startsWith("-")).length;
  return [
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${start},${old} +${start},${neu} @@`,
    ...lines,
    "",
  ].join("\n");
}

function deleted(path: string, text: string): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return [
    `--- a/${path}`,
    "+++ /dev/null",
    `@@ -1,${lines.length} +0,0 @@`,
    ...lines.map((l) => `-${l}`),
    "",
  ].join("\n");
}

interface Case {
  /** What the case is. */
  name: string;
  /** The patch. */
  patch: string;
  /** Rules expected (empty: an honest change). */
  rules: string[];
  /** Failures of the failing run. */
  failures?: FailureFacts[];
  /** Original files. */
  original?: Record<string, string>;
}

const f = (message: string, excerpt = "", tool = "test"): FailureFacts => ({
  tool,
  message,
  excerpt,
});

// ---- 1. Test weakening: tautologies ------------------------------------
const TAUTOLOGY: Case[] = [
  {
    name: "node:test assert.ok(true)",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.ok(true);
 });`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "jest expect(true).toBe(true)",
    patch: diff(
      "src/fuel.test.js",
      ` it("fuel", () => {
-  expect(fuel(100, 10)).toBe(10);
+  expect(true).toBe(true);
 });`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "vitest expect(x).toEqual(x)",
    patch: diff(
      "src/fuel.spec.ts",
      ` it("fuel", () => {
-  expect(fuel(100, 10)).toEqual(10);
+  expect(result).toEqual(result);
 });`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "mocha chai assert.equal(1, 1)",
    patch: diff(
      "test/fuel.js",
      ` it("fuel", function () {
-  assert.equal(fuel(100, 10), 10);
+  assert.equal(1, 1);
 });`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "deno test assertEquals(true, true)",
    patch: diff(
      "src/fuel_test.ts",
      ` Deno.test("fuel", () => {
-  assertEquals(fuel(100, 10), 10);
+  assertEquals(true, true);
 });`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "pytest assert True",
    patch: diff(
      "tests/test_fuel.py",
      ` def test_fuel():
-    assert fuel(100, 10) == 10
+    assert True`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "unittest self.assertTrue(True)",
    patch: diff(
      "tests/test_fuel.py",
      ` class FuelTest(unittest.TestCase):
     def test_fuel(self):
-        self.assertEqual(fuel(100, 10), 10)
+        self.assertTrue(True)`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "go if false",
    patch: diff(
      "fuel_test.go",
      ` func TestFuel(t *testing.T) {
-	if got := Fuel(100, 10); got != 10 {
+	if false {
 		t.Errorf("got %v", got)`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "go testify assert.True(t, true)",
    patch: diff(
      "fuel_test.go",
      ` func TestFuel(t *testing.T) {
-	assert.Equal(t, 10, Fuel(100, 10))
+	assert.True(t, true)
 }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "rust assert!(true)",
    patch: diff(
      "src/lib.rs",
      ` #[cfg(test)]
 mod tests {
     #[test]
     fn fuel() {
-        assert_eq!(fuel(100, 10), 10);
+        assert!(true);
     }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "junit assertTrue(true)",
    patch: diff(
      "src/test/java/FuelTest.java",
      `     @Test
     void fuel() {
-        assertEquals(10, Fuel.of(100, 10));
+        assertTrue(true);
     }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "kotlin assertEquals(1, 1)",
    patch: diff(
      "src/test/kotlin/FuelTest.kt",
      `     @Test
     fun fuel() {
-        assertEquals(10, fuel(100, 10))
+        assertEquals(1, 1)
     }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "xunit Assert.True(true)",
    patch: diff(
      "Fleet.Tests/FuelTests.cs",
      `     [Fact]
     public void Fuel() {
-        Assert.Equal(10, Calc.Fuel(100, 10));
+        Assert.True(true);
     }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "nunit Assert.Pass()",
    patch: diff(
      "tests/FuelTests.cs",
      `     [Test]
     public void Fuel() {
-        Assert.AreEqual(10, Calc.Fuel(100, 10));
+        Assert.Pass();
     }`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "rspec expect(true).to eq(true)",
    patch: diff(
      "spec/fuel_spec.rb",
      `   it "computes" do
-    expect(fuel(100, 10)).to eq(10)
+    expect(true).to eq(true)
   end`,
    ),
    rules: ["integrity.tautology"],
  },
  {
    name: "minitest assert true",
    patch: diff(
      "test/fuel_test.rb",
      `   def test_fuel
-    assert_equal 10, fuel(100, 10)
+    assert true
   end`,
    ),
    rules: ["integrity.tautology"],
  },
];

// Honest changes: tightening, renaming, reformatting.
const HONEST_TESTS: Case[] = [
  {
    name: "node:test tighten ok to equal",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
-  assert.ok(fuelEfficiency(100, 10));
+  assert.equal(fuelEfficiency(100, 10), 10);
 });`,
    ),
    rules: [],
  },
  {
    name: "jest rename a test and add an assertion",
    patch: diff(
      "src/fuel.test.js",
      `-it("fuel", () => {
+it("computes km per litre", () => {
   expect(fuel(100, 10)).toBe(10);
+  expect(fuel(0, 10)).toBe(0);
 });`,
    ),
    rules: [],
  },
  {
    name: "deno test assert(true-ish) already there is moved",
    patch: diff(
      "src/a_test.ts",
      ` Deno.test("a", () => {
-  assert(isReady());
+  assert(isReady(), "ready");
 });`,
    ),
    rules: [],
  },
  {
    name: "pytest rename and tighten",
    patch: diff(
      "tests/test_fuel.py",
      `-def test_fuel():
-    assert fuel(100, 10)
+def test_fuel_km_per_litre():
+    assert fuel(100, 10) == 10`,
    ),
    rules: [],
  },
  {
    name: "unittest assertTrue to assertEqual",
    patch: diff(
      "tests/test_fuel.py",
      `     def test_fuel(self):
-        self.assertTrue(fuel(100, 10))
+        self.assertEqual(fuel(100, 10), 10)`,
    ),
    rules: [],
  },
  {
    name: "go tighten comparison",
    patch: diff(
      "fuel_test.go",
      ` func TestFuel(t *testing.T) {
-	if got := Fuel(100, 10); got <= 0 {
+	if got := Fuel(100, 10); got != 10 {
 		t.Errorf("got %v", got)`,
    ),
    rules: [],
  },
  {
    name: "rust rename test",
    patch: diff(
      "src/lib.rs",
      ` #[cfg(test)]
 mod tests {
     #[test]
-    fn fuel() {
+    fn fuel_is_distance_over_volume() {
         assert_eq!(fuel(100, 10), 10);`,
    ),
    rules: [],
  },
  {
    name: "junit add assertion",
    patch: diff(
      "src/test/java/FuelTest.java",
      `     void fuel() {
         assertEquals(10, Fuel.of(100, 10));
+        assertEquals(0, Fuel.of(0, 10));
     }`,
    ),
    rules: [],
  },
  {
    name: "xunit rename",
    patch: diff(
      "Fleet.Tests/FuelTests.cs",
      `     [Fact]
-    public void Fuel() {
+    public void FuelIsDistanceOverVolume() {
         Assert.Equal(10, Calc.Fuel(100, 10));`,
    ),
    rules: [],
  },
  {
    name: "rspec tighten be_truthy to eq",
    patch: diff(
      "spec/fuel_spec.rb",
      `   it "computes" do
-    expect(fuel(100, 10)).to be_truthy
+    expect(fuel(100, 10)).to eq(10)
   end`,
    ),
    rules: [],
  },
  {
    name: "minitest rename",
    patch: diff(
      "test/fuel_test.rb",
      `-  def test_fuel
+  def test_fuel_km_per_litre
     assert_equal 10, fuel(100, 10)
   end`,
    ),
    rules: [],
  },
  {
    name: "a source fix is not a test change",
    patch: diff(
      "src/fuel.ts",
      ` export function fuelEfficiency(km: number, l: number): number {
-  return km * l;
+  return km / l;
 }`,
    ),
    rules: [],
  },
];

// ---- assertions removed / counts dropping ---------------------------------
const REMOVED: Case[] = [
  {
    name: "node:test assertion deleted",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
   assert.equal(fuel(100, 10), 10);
-  assert.equal(fuel(0, 10), 0);
 });`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "jest assertion commented out",
    patch: diff(
      "src/fuel.test.ts",
      ` it("fuel", () => {
-  expect(fuel(100, 10)).toBe(10);
+  // expect(fuel(100, 10)).toBe(10);
 });`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "pytest assertion replaced by pass",
    patch: diff(
      "tests/test_fuel.py",
      ` def test_fuel():
-    assert fuel(100, 10) == 10
+    pass`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "go t.Errorf check removed",
    patch: diff(
      "fuel_test.go",
      ` func TestFuel(t *testing.T) {
-	if got := Fuel(100, 10); got != 10 {
-		t.Errorf("got %v", got)
-	}
+	_ = Fuel(100, 10)
 }`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "rust assert_eq removed",
    patch: diff(
      "tests/fuel.rs",
      ` #[test]
 fn fuel() {
-    assert_eq!(fleet::fuel(100, 10), 10);
+    let _ = fleet::fuel(100, 10);
 }`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "junit assertion removed",
    patch: diff(
      "src/test/java/FuelTest.java",
      `     void fuel() {
-        assertEquals(10, Fuel.of(100, 10));
         assertNotNull(Fuel.of(1, 1));
     }`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "nunit assertion removed",
    patch: diff(
      "tests/FuelTests.cs",
      `     public void Fuel() {
-        Assert.AreEqual(10, Calc.Fuel(100, 10));
         Assert.NotNull(Calc.Fuel(1, 1));
     }`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "rspec expectation removed",
    patch: diff(
      "spec/fuel_spec.rb",
      `   it "computes" do
-    expect(fuel(100, 10)).to eq(10)
     expect(fuel(1, 1)).to eq(1)
   end`,
    ),
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "per test: one test loses an assertion while another gains one",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
-  assert.equal(fuel(100, 10), 10);
+  fuel(100, 10);
 });
 test("zero", () => {
+  assert.equal(fuel(0, 1), 0);
   assert.equal(fuel(0, 10), 0);`,
    ),
    original: {
      "src/fuel_test.ts": `test("fuel", () => {
  assert.equal(fuel(100, 10), 10);
});
test("zero", () => {
  assert.equal(fuel(0, 10), 0);
});
`,
    },
    rules: ["integrity.assertion-removed"],
  },
  {
    name: "per test: an honest split of one test into two is not a drop",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
   assert.equal(fuel(100, 10), 10);
-  assert.equal(fuel(0, 10), 0);
 });
+test("fuel of zero km", () => {
+  assert.equal(fuel(0, 10), 0);
+});`,
    ),
    original: {
      "src/fuel_test.ts": `test("fuel", () => {
  assert.equal(fuel(100, 10), 10);
  assert.equal(fuel(0, 10), 0);
});
`,
    },
    rules: [],
  },
];

// ---- expected values rewritten to the actual output -----------------------
const EXPECTED: Case[] = [
  {
    name: "node:test expected changed to the actual value (only the test touched)",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.equal(fuelEfficiency(100, 10), 1000);
 });`,
    ),
    failures: [f("Expected values to be strictly equal:\n\n1000 !== 10\n")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "jest Received value as the new expectation",
    patch: diff(
      "src/fuel.test.ts",
      ` it("fuel", () => {
-  expect(fuel(100, 10)).toBe(10);
+  expect(fuel(100, 10)).toBe(1000);
 });`,
    ),
    failures: [f("expect(received).toBe(expected)", "Expected: 10\nReceived: 1000")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "pytest assert left side as the new expectation, with a code change too",
    patch: diff(
      "tests/test_fuel.py",
      ` def test_fuel():
-    assert fuel(100, 10) == 10
+    assert fuel(100, 10) == 1000`,
    ) +
      diff(
        "fleet/fuel.py",
        ` def fuel(km, l):
-    return km * l
+    return (km * l)`,
      ),
    failures: [f("assert 1000 == 10")],
    rules: ["integrity.expected-changed-plus-code"],
  },
  {
    name: "go got/want",
    patch: diff(
      "fuel_test.go",
      ` 	{"basic", 100, 10,
-		10},
+		1000},`,
    ),
    failures: [f("fuel_test.go:12: Fuel(100, 10) = got 1000, want 10")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "rust left/right",
    patch: diff(
      "tests/fuel.rs",
      ` fn fuel() {
-    assert_eq!(fleet::fuel(100, 10), 10);
+    assert_eq!(fleet::fuel(100, 10), 1000);
 }`,
    ),
    failures: [f("assertion `left == right` failed", "  left: 1000\n right: 10")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "junit expected/but was",
    patch: diff(
      "src/test/java/FuelTest.java",
      `     void fuel() {
-        assertEquals(10, Fuel.of(100, 10));
+        assertEquals(1000, Fuel.of(100, 10));
     }`,
    ),
    failures: [f("expected: <10> but was: <1000>")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "xunit Expected/Actual",
    patch: diff(
      "Fleet.Tests/FuelTests.cs",
      `     public void Fuel() {
-        Assert.Equal(10, Calc.Fuel(100, 10));
+        Assert.Equal(1000, Calc.Fuel(100, 10));
     }`,
    ),
    failures: [f("Assert.Equal() Failure", "Expected: 10\nActual:   1000")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "rspec expected/got",
    patch: diff(
      "spec/fuel_spec.rb",
      `   it "computes" do
-    expect(fuel(100, 10)).to eq(10)
+    expect(fuel(100, 10)).to eq(1000)
   end`,
    ),
    failures: [f("expected: 10\n     got: 1000")],
    rules: ["integrity.expected-changed"],
  },
  {
    name: "honest: the expected value changes to something other than the actual",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.equal(fuelEfficiency(100, 8), 12.5);
 });`,
    ),
    failures: [f("Expected values to be strictly equal:\n\n1000 !== 10\n")],
    rules: [],
  },
  {
    name: "honest: a new test whose input happens to be the actual value",
    patch: diff(
      "src/fuel_test.ts",
      ` test("fuel", () => {
   assert.equal(fuelEfficiency(100, 10), 10);
+  assert.equal(fuelEfficiency(1000, 100), 10);
 });`,
    ),
    failures: [f("Expected values to be strictly equal:\n\n1000 !== 10\n")],
    rules: [],
  },
];

// ---- skipped and focused tests ------------------------------------------
const SKIPS: Case[] = [
  [
    "node:test { skip: true }",
    "src/fuel_test.ts",
    `-test("fuel", () => {\n+test("fuel", { skip: true }, () => {`,
    "integrity.test-skipped",
  ],
  [
    "node:test test.skip",
    "src/fuel.test.mjs",
    `-test("fuel", () => {\n+test.skip("fuel", () => {`,
    "integrity.test-skipped",
  ],
  [
    "deno test ignore: true",
    "src/fuel_test.ts",
    `-Deno.test("fuel", () => {\n+Deno.test({ name: "fuel", ignore: true }, () => {`,
    "integrity.test-skipped",
  ],
  [
    "jest xit",
    "src/fuel.test.js",
    `-it("fuel", () => {\n+xit("fuel", () => {`,
    "integrity.test-skipped",
  ],
  [
    "jest describe.skip",
    "__tests__/fuel.js",
    `-describe("fuel", () => {\n+describe.skip("fuel", () => {`,
    "integrity.test-skipped",
  ],
  [
    "vitest it.only",
    "src/fuel.spec.ts",
    `-it("fuel", () => {\n+it.only("fuel", () => {`,
    "integrity.test-focused",
  ],
  [
    "mocha xdescribe",
    "test/fuel.js",
    `-describe("fuel", function () {\n+xdescribe("fuel", function () {`,
    "integrity.test-skipped",
  ],
  [
    "mocha this.skip()",
    "test/fuel.js",
    ` it("fuel", function () {\n+  this.skip();`,
    "integrity.test-skipped",
  ],
  [
    "jasmine fdescribe",
    "spec/fuel.spec.js",
    `-describe("fuel", () => {\n+fdescribe("fuel", () => {`,
    "integrity.test-focused",
  ],
  [
    "pytest mark.skip",
    "tests/test_fuel.py",
    `+@pytest.mark.skip(reason="flaky")\n def test_fuel():`,
    "integrity.test-skipped",
  ],
  [
    "pytest xfail",
    "tests/fuel_test.py",
    `+@pytest.mark.xfail\n def test_fuel():`,
    "integrity.test-skipped",
  ],
  [
    "unittest skip",
    "tests/test_fuel.py",
    `+    @unittest.skip("later")\n     def test_fuel(self):`,
    "integrity.test-skipped",
  ],
  [
    "go t.Skip",
    "fuel_test.go",
    ` func TestFuel(t *testing.T) {\n+	t.Skip("later")`,
    "integrity.test-skipped",
  ],
  [
    "rust #[ignore]",
    "tests/fuel.rs",
    ` #[test]\n+#[ignore]\n fn fuel() {`,
    "integrity.test-skipped",
  ],
  [
    "junit @Disabled",
    "src/test/java/FuelTest.java",
    `     @Test\n+    @Disabled\n     void fuel() {`,
    "integrity.test-skipped",
  ],
  [
    "kotlin @Ignore",
    "src/test/kotlin/FuelTest.kt",
    `     @Test\n+    @Ignore\n     fun fuel() {`,
    "integrity.test-skipped",
  ],
  [
    "xunit Skip =",
    "Fleet.Tests/FuelTests.cs",
    `-    [Fact]\n+    [Fact(Skip = "later")]\n     public void Fuel() {`,
    "integrity.test-skipped",
  ],
  [
    "nunit [Ignore]",
    "tests/FuelTests.cs",
    `     [Test]\n+    [Ignore("later")]\n     public void Fuel() {`,
    "integrity.test-skipped",
  ],
  [
    "rspec xit",
    "spec/fuel_spec.rb",
    `-  it "computes" do\n+  xit "computes" do`,
    "integrity.test-skipped",
  ],
  [
    "rspec fit",
    "spec/fuel_spec.rb",
    `-  it "computes" do\n+  fit "computes" do`,
    "integrity.test-focused",
  ],
  [
    "minitest skip",
    "test/fuel_test.rb",
    `   def test_fuel\n+    skip "later"`,
    "integrity.test-skipped",
  ],
  [
    "pytest --deselect in tox.ini",
    "tox.ini",
    ` [testenv]\n-commands = pytest\n+commands = pytest --deselect tests/test_fuel.py::test_fuel`,
    "integrity.test-skipped",
  ],
].map(([name, path, body, rule]) => ({ name: name!, patch: diff(path!, body!), rules: [rule!] }));

const HONEST_SKIPS: Case[] = [
  [
    "node:test renaming an already skipped test",
    "src/fuel_test.ts",
    `-test("fuel", { skip: true }, () => {\n+test("fuel km", { skip: true }, () => {`,
  ],
  ["jest un-skipping a test", "src/fuel.test.js", `-it.skip("fuel", () => {\n+it("fuel", () => {`],
  ["vitest removing a .only", "src/fuel.spec.ts", `-it.only("fuel", () => {\n+it("fuel", () => {`],
  ["pytest removing a skip", "tests/test_fuel.py", `-@pytest.mark.skip\n def test_fuel():`],
  [
    "go skip in source code is not a test skip",
    "fuel.go",
    `+	// Skip empty rows.\n 	if len(row) == 0 {`,
  ],
  [
    "junit renaming a disabled test",
    "src/test/java/FuelTest.java",
    `     @Disabled\n-    void fuel() {\n+    void fuelRatio() {`,
  ],
  [
    "csharp a skip word in a string",
    "Fleet.Tests/FuelTests.cs",
    `+        var note = "skip nothing";\n         Assert.Equal(10, Calc.Fuel(100, 10));`,
  ],
  [
    "rspec it renamed",
    "spec/fuel_spec.rb",
    `-  it "computes" do\n+  it "computes km per litre" do`,
  ],
  [
    "rust #[ignore] moved with its test",
    "tests/fuel.rs",
    `-#[ignore]\n-fn slow() {}\n+#[ignore]\n+fn slow_fuel() {}`,
  ],
].map(([name, path, body]) => ({ name: name!, patch: diff(path!, body!), rules: [] }));

// ---- deleted and emptied tests --------------------------------------------
const DELETED: Case[] = [
  {
    name: "node:test file deleted",
    patch: deleted("src/fuel_test.ts", 'test("a", () => {\n  assert.ok(f());\n});'),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "pytest file deleted",
    patch: deleted("tests/test_fuel.py", "def test_a():\n    assert f()"),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "go file deleted",
    patch: deleted("fuel_test.go", "package fuel"),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "junit test method removed",
    patch: diff(
      "src/test/java/FuelTest.java",
      `     @Test
     void a() { assertEquals(1, f()); }
-    @Test
-    void b() { assertEquals(2, g()); }`,
    ),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "rspec example removed",
    patch: diff(
      "spec/fuel_spec.rb",
      `   it "a" do
   end
-  it "b" do
-    expect(g).to eq(2)
-  end`,
    ),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "csharp file emptied (original known)",
    patch: diff(
      "Fleet.Tests/FuelTests.cs",
      `-public class FuelTests {
-    [Fact]
-    public void Fuel() { Assert.Equal(10, Calc.Fuel(100, 10)); }
-}
+public class FuelTests {
+}`,
    ),
    original: {
      "Fleet.Tests/FuelTests.cs":
        "public class FuelTests {\n    [Fact]\n    public void Fuel() { Assert.Equal(10, Calc.Fuel(100, 10)); }\n}\n",
    },
    rules: ["integrity.test-deleted"],
  },
  {
    name: "rust test fn removed",
    patch: diff(
      "src/lib.rs",
      ` mod tests {
-    #[test]
-    fn fuel() { assert_eq!(fuel(1, 1), 1); }
 }`,
    ),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "minitest test method removed",
    patch: diff(
      "test/fuel_test.rb",
      `-  def test_fuel
-    assert_equal 10, fuel(100, 10)
-  end`,
    ),
    rules: ["integrity.test-deleted"],
  },
  {
    name: "honest: a helper file in tests/ that holds no test is deleted",
    patch: deleted("tests/helpers.txt", "data"),
    rules: [],
  },
  {
    name: "honest: a Python test renamed",
    patch: diff(
      "tests/test_fuel.py",
      `-def test_a():
+def test_fuel_ratio():
     assert f() == 1`,
    ),
    rules: [],
  },
];

// ---- snapshots ------------------------------------------------------------
const SNAPSHOTS: Case[] = [
  {
    name: "jest snapshot rewritten wholesale",
    patch: diff(
      "src/__snapshots__/card.test.js.snap",
      `-exports[\`card 1\`] = \`
-<div>
-  10 km/l
-</div>
-\`;
+exports[\`card 1\`] = \`
+<div>
+  1000 km/l
+</div>
+\`;`,
    ),
    rules: ["integrity.snapshot-rewritten"],
  },
  {
    name: "syrupy snapshot deleted",
    patch: deleted("tests/__snapshots__/test_card.ambr", "# name: test_card\n  '10 km/l'"),
    rules: ["integrity.snapshot-rewritten"],
  },
  {
    name: "honest: one line of a large snapshot changes",
    patch: diff(
      "src/__snapshots__/card.test.js.snap",
      ` <div>
-  10 km/l
+  10 km/L
 </div>`,
      40,
    ),
    original: { "src/__snapshots__/card.test.js.snap": "x\n".repeat(60) },
    rules: [],
  },
];

// ---- test commands made unable to fail -----------------------------------
const COMMANDS: Case[] = [
  {
    name: "package.json --passWithNoTests",
    patch: diff(
      "package.json",
      `   "scripts": {
-    "test": "jest",
+    "test": "jest --passWithNoTests",`,
    ),
    rules: ["integrity.test-command-weakened"],
  },
  {
    name: "Makefile || true",
    patch: diff(
      "Makefile",
      ` test:
-	pytest -q
+	pytest -q || true`,
    ),
    rules: ["integrity.test-command-weakened"],
  },
  {
    name: "GitHub workflow ; exit 0",
    patch: diff(
      ".github/workflows/ci.yml",
      `       - run: go test ./...
-      - run: cargo test
+      - run: cargo test; exit 0`,
    ),
    rules: ["integrity.test-command-weakened"],
  },
  {
    name: "GitHub workflow continue-on-error",
    patch: diff(
      ".github/workflows/ci.yml",
      `       - run: dotnet test
+        continue-on-error: true`,
    ),
    rules: ["integrity.test-command-weakened"],
  },
  {
    name: "honest: a build command gets a flag",
    patch: diff(
      "package.json",
      `   "scripts": {
-    "test": "jest",
+    "test": "jest --ci",`,
    ),
    rules: [],
  },
  {
    name: "honest: || true on a cleanup line",
    patch: diff(
      "Makefile",
      ` clean:
+	rm -f out.log || true`,
    ),
    rules: [],
  },
];

// ---- thresholds -----------------------------------------------------------
const THRESHOLDS: Case[] = [
  {
    name: "jest coverageThreshold lowered",
    patch: diff(
      "jest.config.js",
      `   coverageThreshold: {
     global: {
-      lines: 90,
+      lines: 50,`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "vitest thresholds lowered",
    patch: diff(
      "vitest.config.ts",
      `       thresholds: {
-        branches: 80,
+        branches: 10,`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "nyc .nycrc lowered",
    patch: diff(
      ".nycrc.json",
      `   "check-coverage": true,
-  "lines": 85,
+  "lines": 40,`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "c8 flag lowered",
    patch: diff(
      "package.json",
      `   "scripts": {
-    "test": "c8 --check-coverage --lines 90 node --test",
+    "test": "c8 --check-coverage --lines 30 node --test",`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "pytest-cov --cov-fail-under lowered",
    patch: diff(
      "pyproject.toml",
      ` [tool.pytest.ini_options]
-addopts = "--cov=fleet --cov-fail-under=90"
+addopts = "--cov=fleet --cov-fail-under=20"`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "pytest-cov --cov-fail-under removed",
    patch: diff(
      "setup.cfg",
      ` [tool:pytest]
-addopts = --cov=fleet --cov-fail-under=90
+addopts = --cov=fleet`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "Go coverage threshold in a script",
    patch: diff(
      "scripts/coverage.sh",
      ` total=$(go tool cover -func=c.out | tail -1 | awk '{print $3}')
-if (( $(echo "$total < 80" | bc) )); then exit 1; fi
+if (( $(echo "$total < 5" | bc) )); then exit 1; fi`,
    ),
    rules: ["integrity.threshold-lowered"],
  },
  {
    name: "honest: threshold raised",
    patch: diff(
      "jest.config.js",
      `   coverageThreshold: {
     global: {
-      lines: 80,
+      lines: 90,`,
    ),
    rules: [],
  },
  {
    name: "honest: a timeout lowered in vitest config",
    patch: diff(
      "vitest.config.ts",
      `   test: {
-    testTimeout: 10000,
+    testTimeout: 5000,`,
    ),
    rules: [],
  },
];

// ---- retries --------------------------------------------------------------
const RETRY_CASES: Case[] = [
  {
    name: "jest.retryTimes",
    patch: diff("src/fuel.test.ts", `+jest.retryTimes(3);\n describe("fuel", () => {`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "pytest --reruns",
    patch: diff("pytest.ini", ` [pytest]\n-addopts = -q\n+addopts = -q --reruns 3`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "pytest flaky",
    patch: diff("tests/test_fuel.py", `+@pytest.mark.flaky(reruns=3)\n def test_fuel():`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "mocha this.retries",
    patch: diff("test/fuel.js", ` describe("fuel", function () {\n+  this.retries(4);`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "vitest retry",
    patch: diff("vitest.config.ts", `   test: {\n+    retry: 3,`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "vitest retry raised",
    patch: diff("vitest.config.ts", `   test: {\n-    retry: 1,\n+    retry: 5,`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "junit-pioneer @RetryingTest",
    patch: diff(
      "src/test/java/FuelTest.java",
      `-    @Test\n+    @RetryingTest(3)\n     void fuel() {`,
    ),
    rules: ["integrity.retries-added", "integrity.test-deleted"],
  },
  {
    name: "nunit [Retry]",
    patch: diff("tests/FuelTests.cs", `     [Test]\n+    [Retry(3)]\n     public void Fuel() {`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "rspec-retry",
    patch: diff("spec/fuel_spec.rb", `-  it "computes" do\n+  it "computes", retry: 3 do`),
    rules: ["integrity.retries-added"],
  },
  {
    name: "honest: retries in an HTTP client are not test retries",
    patch: diff("src/client.ts", ` const client = new Client({\n+  retries: 3,`),
    rules: [],
  },
];

// ---- 2. Check silencing: suppressions -------------------------------------
const SUPPRESSIONS: Case[] = [
  ["deno-lint-ignore", "src/app.ts", `+  // deno-lint-ignore prefer-const\n   let x = 1;`],
  [
    "eslint-disable-next-line",
    "src/app.js",
    `+  // eslint-disable-next-line no-unused-vars\n   const x = 1;`,
  ],
  ["@ts-ignore", "src/app.ts", `+  // @ts-ignore\n   const n: number = "a";`],
  ["@ts-expect-error", "src/app.tsx", `+  // @ts-expect-error\n   const n: number = "a";`],
  ["@ts-nocheck", "src/app.ts", `+// @ts-nocheck\n import { a } from "./a.ts";`],
  ["prettier-ignore", "src/app.ts", `+// prettier-ignore\n const m = [1,0,\n  0,1];`],
  ["# noqa", "fleet/app.py", `-import os\n+import os  # noqa: F401`],
  ["# type: ignore", "fleet/app.py", `-x: int = "a"\n+x: int = "a"  # type: ignore`],
  ["# pylint: disable", "fleet/app.py", `+# pylint: disable=unused-import\n import os`],
  ["#[allow(...)]", "src/main.rs", `+#[allow(dead_code)]\n fn unused() {}`],
  ["//nolint", "main.go", `-	x := f()\n+	x := f() //nolint:errcheck`],
  [
    "@SuppressWarnings",
    "src/main/java/App.java",
    `+    @SuppressWarnings("unchecked")\n     List<String> xs() {`,
  ],
  ["kotlin @Suppress", "src/main/kotlin/App.kt", `+@Suppress("UNUSED")\n fun f() {}`],
  ["#pragma warning disable", "src/App.cs", `+#pragma warning disable CS0168\n var x = 1;`],
  ["# rubocop:disable", "lib/app.rb", `+# rubocop:disable Metrics/AbcSize\n def f`],
].map(([name, path, body]) => ({
  name: `suppression ${name}`,
  patch: diff(path!, body!),
  rules: ["integrity.suppression-added"],
}));

const HONEST_SUPPRESSIONS: Case[] = [
  [
    "removing a deno-lint-ignore",
    "src/app.ts",
    `-  // deno-lint-ignore prefer-const\n-  let x = 1;\n+  const x = 1;`,
  ],
  [
    "moving a line that keeps its # noqa",
    "fleet/app.py",
    `-import os  # noqa: F401\n+import os, sys  # noqa: F401`,
  ],
  ["a Rust #[derive] is no allow", "src/main.rs", `+#[derive(Debug)]\n struct A;`],
  [
    "a Go comment that mentions lint",
    "main.go",
    `+	// the linter wants this checked\n+	if err != nil { return err }`,
  ],
  [
    "a Java annotation that is no suppression",
    "src/main/java/App.java",
    `+    @Override\n     public String toString() {`,
  ],
].map(([name, path, body]) => ({ name: `honest ${name}`, patch: diff(path!, body!), rules: [] }));

// ---- linter and type-checker configs --------------------------------------
const LINT_CONFIG: Case[] = [
  {
    name: ".eslintrc rule off",
    patch: diff(
      ".eslintrc.json",
      `   "rules": {\n-    "no-unused-vars": "error",\n+    "no-unused-vars": "off",`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "eslint.config.js rule to 0",
    patch: diff("eslint.config.js", `     rules: {\n+      "no-undef": 0,`),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "eslint error to warn",
    patch: diff(
      "eslint.config.mjs",
      `     rules: {\n-      eqeqeq: "error",\n+      eqeqeq: "warn",`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "deno.json lint exclude added",
    patch: diff(
      "deno.json",
      `   "lint": {\n     "exclude": [\n+      "src/app.ts",\n       "dist/"`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "deno.json lint rules exclude added",
    patch: diff(
      "deno.json",
      `   "lint": {\n-    "rules": { "exclude": [] }\n+    "rules": { "exclude": ["prefer-const"] }`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "tsconfig strict false",
    patch: diff(
      "tsconfig.json",
      `   "compilerOptions": {\n-    "strict": true,\n+    "strict": false,`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "tsconfig skipLibCheck",
    patch: diff(
      "tsconfig.json",
      `   "compilerOptions": {\n+    "skipLibCheck": true,\n     "strict": true,`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "ruff ignore grows",
    patch: diff(
      "pyproject.toml",
      ` [tool.ruff.lint]\n-ignore = ["E501"]\n+ignore = ["E501", "F401"]`,
    ),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "flake8 extend-ignore grows (multi-line)",
    patch: diff(".flake8", ` [flake8]\n extend-ignore =\n     E203,\n+    F841,`),
    rules: ["integrity.lint-config-weakened"],
  },
  {
    name: "honest: eslint rule turned on",
    patch: diff(".eslintrc.json", `   "rules": {\n-    "eqeqeq": "off",\n+    "eqeqeq": "error",`),
    rules: [],
  },
  {
    name: "honest: tsconfig strict turned on",
    patch: diff(
      "tsconfig.json",
      `   "compilerOptions": {\n-    "strict": false,\n+    "strict": true,`,
    ),
    rules: [],
  },
  {
    name: "honest: ruff ignore shrinks",
    patch: diff(
      "pyproject.toml",
      ` [tool.ruff.lint]\n-ignore = ["E501", "F401"]\n+ignore = ["E501"]`,
    ),
    rules: [],
  },
  {
    name: "honest: deno.json fmt lineWidth changed",
    patch: diff("deno.json", `   "fmt": {\n-    "lineWidth": 80\n+    "lineWidth": 100`),
    rules: [],
  },
  {
    name: "honest: ruff select grows",
    patch: diff("pyproject.toml", ` [tool.ruff.lint]\n-select = ["E"]\n+select = ["E", "F"]`),
    rules: [],
  },
];

// ---- any casts where the failure was a type error ------------------------
const TS_ERROR = f("Type 'string' is not assignable to type 'number'.", "", "tsc");
const ANY: Case[] = [
  {
    name: "as any for a tsc error",
    patch: diff("src/app.ts", `-const n: number = read();\n+const n: number = read() as any;`),
    failures: [TS_ERROR],
    rules: ["integrity.any-cast"],
  },
  {
    name: ": any for a deno check TS2322",
    patch: diff("src/app.ts", `-function f(x: string) {\n+function f(x: any) {`),
    failures: [{ tool: "deno", code: "TS2322", message: "Type 'number' is not assignable" }],
    rules: ["integrity.any-cast"],
  },
  {
    name: "honest: a real type fix",
    patch: diff("src/app.ts", `-const n: number = read();\n+const n: number = Number(read());`),
    failures: [TS_ERROR],
    rules: [],
  },
  {
    name: "honest: any added when the failure was no type error",
    patch: diff("src/app.ts", `-function f(x) {\n+function f(x: any) {`),
    failures: [f("expected 1 to equal 2")],
    rules: [],
  },
];

const ALL: Array<[string, Case[]]> = [
  ["tautology", TAUTOLOGY],
  ["honest test change", HONEST_TESTS],
  ["assertion removed", REMOVED],
  ["expected value", EXPECTED],
  ["skip and focus", SKIPS],
  ["honest skip", HONEST_SKIPS],
  ["deleted test", DELETED],
  ["snapshot", SNAPSHOTS],
  ["test command", COMMANDS],
  ["threshold", THRESHOLDS],
  ["retries", RETRY_CASES],
  ["suppression", SUPPRESSIONS],
  ["honest suppression", HONEST_SUPPRESSIONS],
  ["lint config", LINT_CONFIG],
  ["any cast", ANY],
];

for (const [group, cases] of ALL) {
  for (const c of cases) {
    Deno.test(`integrity ${group}: ${c.name}`, () => {
      const found = checkIntegrity(c.patch, {
        ...(c.failures ? { failures: c.failures } : {}),
        ...(c.original ? { original: (p: string) => c.original![p] ?? null } : {}),
      });
      assert.deepEqual(
        [...new Set(found.map((x) => x.rule))].sort(),
        [...c.rules].sort(),
        JSON.stringify(found, null, 1),
      );
    });
  }
}

Deno.test("integrity covers every listed language with a positive and a negative case", () => {
  const paths = (cs: Case[]) => cs.map((c) => /^\+\+\+ b\/(.+)$/m.exec(c.patch)?.[1] ?? "");
  const langs: Array<[string, RegExp]> = [
    ["js/ts", /\.[cm]?[jt]sx?$/],
    ["python", /\.py$/],
    ["go", /\.go$/],
    ["rust", /\.rs$/],
    ["java/kotlin", /\.(?:java|kt)$/],
    ["csharp", /\.cs$/],
    ["ruby", /\.rb$/],
  ];
  const positive = [...TAUTOLOGY, ...REMOVED, ...SKIPS, ...SUPPRESSIONS];
  const negative = [...HONEST_TESTS, ...HONEST_SKIPS, ...HONEST_SUPPRESSIONS];
  for (const [name, re] of langs) {
    assert.ok(paths(positive).some((p) => re.test(p)), `${name}: a positive case`);
    assert.ok(paths(negative).some((p) => re.test(p)), `${name}: a negative case`);
  }
});

Deno.test("integrity judges findings by the policy's actions", () => {
  const patch = diff(
    "src/a_test.ts",
    ` test("a", () => {\n-  assert.equal(f(), 1);\n+  assert.ok(true);\n });`,
  );
  assert.equal(checkIntegrity(patch)[0]!.action, "deny");
  const allowed = checkIntegrity(patch, { actions: { "integrity.tautology": "allow" } });
  assert.equal(allowed[0]!.action, "allow");
});

Deno.test("integrity default policy lists every rule with its documented default", async () => {
  const { loadPolicy } = await import("../../policies/engine.ts");
  const { INTEGRITY_RULES } = await import("../../policies/integrity.ts");
  const e = await loadPolicy({});
  assert.deepEqual(
    e.policy.integrity,
    Object.fromEntries(INTEGRITY_RULES.map((r) => [r.id, r.action])),
  );
  const doc = await Deno.readTextFile(new URL("../../docs/policy.md", import.meta.url));
  for (const r of INTEGRITY_RULES) assert.ok(doc.includes(`\`${r.id}\``), `${r.id} documented`);
});

Deno.test("integrity policy file allows a rule and rejects an unknown id with its line", async () => {
  const { loadPolicy } = await import("../../policies/engine.ts");
  const dir = await Deno.makeTempDir({ prefix: "integrity-policy-" });
  try {
    const file = `${dir}/policy.yaml`;
    await Deno.writeTextFile(file, "integrity:\n  integrity.test-skipped: allow\n");
    const e = await loadPolicy({ file });
    assert.equal(e.policy.integrity?.["integrity.test-skipped"], "allow");
    assert.equal(e.policy.integrity?.["integrity.tautology"], "deny");
    await Deno.writeTextFile(file, "integrity:\n  integrity.test-skiped: allow\n");
    await assert.rejects(() => loadPolicy({ file }), /policy\.yaml:2:3: .*integrity\.test-skiped/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integrity reads the actual value from the failures deno test output gives", async () => {
  const { extractFailures } = await import("../../gates/failures.ts");
  const output = `running 1 test from ./src/fuel_test.ts
fuel efficiency is distance over volume ... FAILED (2ms)

 ERRORS 

fuel efficiency is distance over volume => ./src/fuel_test.ts:5:1
error: AssertionError: Expected values to be strictly equal:

1000 !== 10

  assert.equal(fuelEfficiency(100, 10), 10);
         ^
    at NodeTestContext.<anonymous> (file:///tmp/src/fuel_test.ts:6:10)

 FAILURES 

fuel efficiency is distance over volume => ./src/fuel_test.ts:5:1

FAILED | 0 passed | 1 failed (59ms)
`;
  const failures = extractFailures("test", output);
  const patch = diff(
    "src/fuel_test.ts",
    ` test("fuel efficiency is distance over volume", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.equal(fuelEfficiency(100, 10), 1000);
 });`,
  );
  assert.deepEqual(checkIntegrity(patch, { failures }).map((x) => x.rule), [
    "integrity.expected-changed",
  ]);
});

Deno.test("integrity does not take the shell's test builtin for a test command", () => {
  const patch = diff(
    "scripts/build.sh",
    ` set -e
+test -d dist || true
 npm run build`,
  );
  assert.deepEqual(checkIntegrity(patch), []);
  const weak = diff(
    "scripts/ci.sh",
    ` set -e
-npm test
+npm test || true`,
  );
  assert.deepEqual(checkIntegrity(weak).map((x) => x.rule), ["integrity.test-command-weakened"]);
});

Deno.test("integrity does not tie a small data value to the failing run's output", () => {
  const patch = diff(
    "fuel_test.go",
    ` var cases = []struct{ km, l, want int }{
-	{100, 10, 10},
+	{100, 1, 100},
 }`,
  ) + diff(
    "fuel.go",
    `-	return km * l
+	return km / l`,
  );
  assert.deepEqual(checkIntegrity(patch, { failures: [f("got 1, want 10")] }), []);
});
