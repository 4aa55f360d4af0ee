// The SQL catalog: queries built from non-constant values are refused,
// parameterised queries, query-config objects, builders and tagged templates pass.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";

const engine = await loadPolicy({});

const UNSAFE: Array<[string, string, string?]> = [
  [
    "concatenation into pg query",
    `await pool.query("SELECT * FROM users WHERE id = " + req.params.id);`,
  ],
  [
    "template interpolation into query",
    "await db.query(`SELECT * FROM users WHERE name = '${name}'`);",
  ],
  [
    "concatenation through a variable",
    `const sql = "DELETE FROM t WHERE id = " + id;\nawait client.query(sql);`,
  ],
  [
    "+= through a variable",
    `let q = "SELECT * FROM t WHERE 1=1";\nq += " AND owner = '" + user + "'";\nconnection.execute(q);`,
  ],
  ["concat()", `db.query("SELECT * FROM t WHERE a = ".concat(input));`],
  ["util.format", `db.query(util.format("SELECT * FROM t WHERE a = '%s'", input));`],
  ["knex.raw with interpolation", "knex.raw(`select * from users where id = ${id}`);"],
  ["whereRaw with concatenation", `qb.whereRaw("name = '" + name + "'");`],
  [
    "sequelize.query with template",
    "await sequelize.query(`UPDATE users SET role = '${role}' WHERE id = 1`);",
  ],
  [
    "Prisma $queryRawUnsafe",
    "await prisma.$queryRawUnsafe(`SELECT * FROM User WHERE email = '${email}'`);",
  ],
  [
    "Prisma $executeRawUnsafe with concatenation",
    `await prisma.$executeRawUnsafe("DELETE FROM Post WHERE id = " + id);`,
  ],
  ["postgres.js sql.unsafe", "await sql.unsafe(`select * from t where id = ${req.query.id}`);"],
  [
    "Prisma.raw of request data inside a tag",
    "await prisma.$queryRaw`SELECT * FROM t ORDER BY ${Prisma.raw(req.query.sort)}`;",
  ],
  ["mysql2 execute with template", "conn.execute(`INSERT INTO logs VALUES ('${msg}')`);"],
  [
    "better-sqlite3 prepare with concatenation",
    `db.prepare("SELECT * FROM t WHERE name = '" + name + "'").all();`,
  ],
  [
    "typed variable declaration",
    "const q: string = `SELECT * FROM t WHERE id = ${id}`;\nawait pool.query(q);",
  ],
  ["python f-string execute", `cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")`],
  ["python % formatting", `cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)`],
  ["python .format()", `cur.execute("DELETE FROM t WHERE id = {}".format(item_id))`],
  [
    "python concatenation through variable",
    `query = "SELECT * FROM t WHERE id = " + str(pk)\ncursor.execute(query)`,
  ],
  ["SQLAlchemy text() with f-string", `session.execute(text(f"SELECT * FROM t WHERE a = '{a}'"))`],
];

const SAFE: Array<[string, string]> = [
  [
    "pg placeholders with parameters",
    `await pool.query("SELECT * FROM users WHERE id = $1", [req.params.id]);`,
  ],
  ["mysql placeholders", `conn.query("SELECT * FROM t WHERE a = ? AND b = ?", [a, b]);`],
  [
    "query-config object",
    `await client.query({ text: "SELECT * FROM t WHERE id = $1", values: [id] });`,
  ],
  ["constant concatenation", `db.query("SELECT * " + "FROM t");`],
  ["constant template", "db.query(`SELECT * FROM t WHERE active = true`);"],
  [
    "constant table name in capitals",
    `db.query("SELECT * FROM " + TABLE + " WHERE id = $1", [id]);`,
  ],
  [
    "variable holding a constant",
    `const sql = "SELECT * FROM t WHERE id = $1";\nawait pool.query(sql, [id]);`,
  ],
  [
    "sequelize replacements",
    `sequelize.query("SELECT * FROM t WHERE id = :id", { replacements: { id } });`,
  ],
  ["knex raw with bindings", `knex.raw("select * from users where id = ?", [id]);`],
  ["knex builder", `knex("users").where({ id }).select("*");`],
  ["postgres.js tagged template", "await sql`select * from t where id = ${id}`;"],
  [
    "Prisma $queryRaw tagged template",
    "await prisma.$queryRaw`SELECT * FROM User WHERE id = ${id}`;",
  ],
  ["Prisma.sql fragment", "const where = Prisma.sql`WHERE id = ${id}`;"],
  ["slonik sql tag passed to query", "await pool.query(sql`SELECT * FROM t WHERE id = ${id}`);"],
  ["python parameters tuple", `cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))`],
  ["python named parameters", `cursor.execute("SELECT * FROM t WHERE id = :id", {"id": pk})`],
  ["child_process exec is not SQL", "exec(`git log -n ${n}`);"],
  ["regex exec", "const m = re.exec(line + suffix);"],
  ["querySelector", 'document.querySelector("#a" + id);'],
  ["logging a SQL string", 'console.log("SELECT " + x);'],
];

for (const [name, code] of UNSAFE) {
  Deno.test(`policy scan refuses unsafe SQL: ${name}`, () => {
    const f = engine.scan(code + "\n", { filename: "src/db.ts" }).filter((x) =>
      x.rule === "sql.unsafe-query"
    );
    assert.ok(f.length > 0, `no finding for ${code}`);
  });
}

for (const [name, code] of SAFE) {
  Deno.test(`policy scan passes safe SQL: ${name}`, () => {
    const f = engine.scan(code + "\n", { filename: "src/db.ts" }).filter((x) =>
      x.rule === "sql.unsafe-query"
    );
    assert.deepEqual(f, [], JSON.stringify(f));
  });
}

Deno.test("policy scan reports unsafe SQL only on added lines, with new-file lines", () => {
  const diff = [
    "--- a/src/repo.ts",
    "+++ b/src/repo.ts",
    "@@ -10,2 +10,3 @@ export class Repo {",
    '   const legacy = await db.query("SELECT * FROM t WHERE id = " + id);',
    '+  const fresh = await db.query("SELECT * FROM t WHERE name = \'" + name + "\'");',
    "   return fresh;",
    "",
  ].join("\n");
  const f = engine.scan(diff);
  assert.deepEqual(f.map((x) => [x.file, x.line, x.rule]), [[
    "src/repo.ts",
    11,
    "sql.unsafe-query",
  ]]);
});
