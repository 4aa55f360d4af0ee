// The held-out corpus: written after the detectors were done and never used
// to tune them. Other seeds, other file syntaxes (INI, properties, Terraform,
// Kubernetes, Go, Java, C#, PHP, Ruby, shell flags, HTTP headers), other
// variable names, and look-alikes the tuning corpus does not have.
import { B32, BECH32, Gen, LOWER, UPPER } from "./gen.ts";
import type { Example } from "./tuning.ts";

type Ctx = (name: string, value: string) => string;

const camel = (n: string) =>
  n.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (n: string) => camel(n).replace(/^./, (c) => c.toUpperCase());

const SYNTAXES: readonly Ctx[] = [
  (n, v) => `${n.toLowerCase()} = ${v}`, // INI
  (n, v) => `app.${n.toLowerCase().replace(/_/g, ".")}=${v}`, // .properties
  (n, v) => `  ${n.toLowerCase()} = "${v}"`, // Terraform / TOML
  (n, v) => `ENV ${n.toUpperCase()}=${v}`, // Dockerfile
  (n, v) => `        ${pascal(n)}: "${v}",`, // Go struct literal
  (n, v) => `    private static final String ${n.toUpperCase()} = "${v}";`, // Java
  (n, v) => `var ${camel(n)} = "${v}";`, // C#
  (n, v) => `    '${n.toLowerCase()}' => '${v}',`, // PHP array
  (n, v) => `  config.${n.toLowerCase()} = "${v}"`, // Ruby
  (n, v) => `${n.toUpperCase()}: '${v}'`, // YAML, single-quoted
  (n, v) => `set -x ${n.toUpperCase()} ${v}`, // fish
];

/** Build the held-out corpus. */
export function heldOutCorpus(): Example[] {
  const g = new Gen(99173);
  const out: Example[] = [];
  const add = (family: string, name: string, value: string, times = 2) => {
    for (let k = 0; k < times; k++) {
      out.push({ family, text: g.pick(SYNTAXES)(name, value), secret: value });
    }
  };
  const raw = (family: string, text: string, secret: string | null) =>
    out.push({ family, text, secret });

  // Families the issue lists as missed before.
  add("snyk", "SNYK_API_TOKEN", g.uuid(), 3);
  add("huggingface", "HUGGINGFACE_ORG_TOKEN", `api_org_${g.str(34, UPPER + LOWER)}`, 3);
  for (let k = 0; k < 3; k++) {
    const path = `T${g.str(8, UPPER + "0123456789")}/B${g.str(10, UPPER + "0123456789")}/${
      g.alnum(24)
    }`;
    raw(
      "slack-webhook",
      `curl -X POST https://hooks.slack.com/services/${path} -d @msg.json`,
      path,
    );
  }
  add("aws-account", "AWS_ACCOUNT_ID", g.digits(12), 3);
  add("sumo", "SUMOLOGIC_ACCESSID", `su${g.alnum(12)}`, 2);
  add("sumo", "SUMOLOGIC_ACCESSKEY", g.alnum(64), 1);
  for (let k = 0; k < 3; k++) raw("jwt", `curl -H 'Authorization: Bearer ${g.jwt()}' $API`, "");
  for (const e of out.slice(-3)) e.secret = e.text.split(" ")[4]!.replace(/'$/, "");
  add("jwt", "SESSION_JWT", g.jwt(), 2);
  add("softlayer", "SOFTLAYER_API_KEY", g.hex(64), 2);
  add("artifactory", "JFROG_API_KEY", `AKCp${g.alnum(69)}`, 2);
  add("onfido", "ONFIDO_TOKEN", `api_sandbox.${g.b64url(11)}.${g.b64url(32)}`, 2);
  add("codeclimate", "CODECLIMATE_REPO_TOKEN", g.hex(64), 2);
  add("heroku", "HEROKU_API_KEY", g.uuid(), 2);
  add("sauce", "SAUCE_LABS_ACCESS_KEY", g.uuid(), 2);
  add("square", "SQUARE_APPLICATION_SECRET", `sq0csp-${g.b64url(43)}`, 2);
  raw("npmrc", `//npm.pkg.github.com/:_authToken=${g.crcToken("ghp_")}`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("=")[1]!;
  raw("npmrc", `//registry.npmjs.org/:_authToken=${g.crcToken("npm_")}`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("=")[1]!;
  raw("npmrc", `//artifactory.corp/api/npm/:_password=${btoa(g.alnum(24))}`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("_password=")[1]!;
  raw("npmrc", `_auth=${btoa(`ci-bot:${g.alnum(20)}`)}`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.slice(6);
  for (
    const scheme of [
      "postgresql",
      "mysql",
      "mongodb",
      "rediss",
      "amqps",
      "ftp",
      "smtp",
      "sqlserver",
      "git+https",
      "http",
    ]
  ) {
    const pw = g.pick([g.password(), g.alnum(18), g.b64url(24)]);
    raw(
      "uri",
      `"${scheme}://${g.pick(["admin", "app", "svc-ci", "deploy"])}:${pw}@${
        g.pick(["10.0.3.7", "db.prod.lan", "mq.corp"])
      }/x"`,
      pw,
    );
  }
  add("adobe", "ADOBE_IO_CLIENT_SECRET", `p8e-${g.alnum(32)}`, 1);
  add("age", "SOPS_AGE_KEY", `AGE-SECRET-KEY-1${g.str(58, BECH32)}`, 1);
  add("algolia", "ALGOLIA_API_KEY", g.hex(32), 1);
  add("alibaba", "ALICLOUD_ACCESS_KEY", `LTAI${g.alnum(16)}`, 1);
  add("asana", "ASANA_PAT", `2/${g.digits(16)}/${g.digits(16)}:${g.hex(32)}`, 1);
  add("discord", "DISCORD_TOKEN", `${btoa(g.digits(19))}.${g.b64url(6)}.${g.b64url(38)}`, 1);
  add("dropbox", "DROPBOX_ACCESS_TOKEN", `sl.${g.b64url(150)}`, 1);
  add("facebook", "FB_PAGE_ACCESS_TOKEN", `EAAG${g.alnum(180)}`, 1);
  add("finicity", "FINICITY_SECRET", g.alnum(20), 1);
  add("hubspot", "HUBSPOT_PRIVATE_APP_TOKEN", `pat-eu1-${g.uuid()}`, 1);
  add("infracost", "INFRACOST_API_KEY", `ico-${g.alnum(32)}`, 1);
  add("kucoin", "KUCOIN_SECRET", g.uuid(), 1);
  add("linear", "LINEAR_TOKEN", `lin_api_${g.alnum(40)}`, 1);
  add("linkedin", "LINKEDIN_SECRET", g.alnum(16), 1);
  // Other known formats in other syntaxes.
  add("aws", "AWS_ACCESS_KEY", `ASIA${g.str(16, B32)}`, 2);
  add("aws", "AWS_SECRET_KEY", g.b64(40), 2);
  add("github", "GH_PAT", g.crcToken("ghp_"), 2);
  add("github", "GITHUB_APP_TOKEN", g.crcToken("ghs_"), 1);
  add("gitlab", "GITLAB_DEPLOY_TOKEN", `gldt-${g.b64url(20)}`, 1);
  add(
    "slack",
    "SLACK_USER_TOKEN",
    `xoxp-${g.digits(11)}-${g.digits(12)}-${g.digits(13)}-${g.hex(32)}`,
    2,
  );
  add("stripe", "STRIPE_RESTRICTED_KEY", `rk_live_${g.alnum(99)}`, 1);
  add("openai", "OPENAI_KEY", `sk-svcacct-${g.b64url(74)}T3BlbkFJ${g.b64url(74)}`, 1);
  add("openai", "OPENAI_SECRET", `sk-${g.alnum(20)}T3BlbkFJ${g.alnum(20)}`, 1);
  add("anthropic", "CLAUDE_API_KEY", `sk-ant-api03-${g.b64url(93)}AA`, 1);
  add("groq", "GROQ_KEY", `gsk_${g.alnum(52)}`, 1);
  add("replicate", "REPLICATE_TOKEN", `r8_${g.alnum(37)}`, 1);
  add("hf", "HF_API_TOKEN", `hf_${g.str(34, UPPER + LOWER)}`, 1);
  add("sendgrid", "SENDGRID_KEY", `SG.${g.b64url(22)}.${g.b64url(43)}`, 1);
  add("twilio", "TWILIO_AUTH_TOKEN", g.hex(32), 1);
  add("mailgun", "MAILGUN_API_KEY", `key-${g.hex(32)}`, 1);
  add("datadog", "DATADOG_APP_KEY", g.hex(40), 1);
  add("newrelic", "NEW_RELIC_USER_KEY", `NRAK-${g.str(27, UPPER + "0123456789")}`, 1);
  add("sentry", "SENTRY_TOKEN", `sntryu_${g.hex(64)}`, 1);
  add("grafana", "GRAFANA_CLOUD_TOKEN", `glc_${g.b64(60)}`, 1);
  add("vault", "VAULT_BATCH_TOKEN", `hvb.${g.b64url(120)}`, 1);
  add("terraform", "TFE_TOKEN", `${g.alnum(14)}.atlasv1.${g.b64url(67)}`, 1);
  add("docker", "DOCKER_PASSWORD", `dckr_pat_${g.b64url(27)}`, 1);
  add("rubygems", "GEM_HOST_API_KEY", `rubygems_${g.hex(48)}`, 1);
  add("nuget", "NUGET_KEY", `oy2${g.str(43, LOWER + "0123456789")}`, 1);
  add("shopify", "SHOPIFY_SHARED_SECRET", `shpss_${g.hex(32)}`, 1);
  add(
    "braintree",
    "BT_ACCESS_TOKEN",
    `access_token$production$${g.str(16, LOWER + "0123456789")}$${g.hex(32)}`,
    1,
  );
  add("telegram", "TG_BOT_TOKEN", `${g.digits(10)}:AA${g.b64url(33)}`, 1);
  add("gcp", "FIREBASE_API_KEY", `AIza${g.b64url(35)}`, 1);
  raw("private-key", '  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg...\\n",', "");
  out[out.length - 1]!.secret = "PRIVATE KEY";
  raw("private-key", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "");
  out[out.length - 1]!.secret = "PGP PRIVATE KEY";
  raw("private-key", "-----BEGIN DSA PRIVATE KEY-----", "");
  out[out.length - 1]!.secret = "DSA PRIVATE KEY";
  // Generic secrets in code and config, unknown formats.
  for (
    const [name, value] of [
      ["API_KEY", g.alnum(40)],
      ["APP_SECRET", g.b64(32)],
      ["CLIENT_SECRET", g.hex(32) + g.alnum(8)],
      ["DB_PASS", g.password()],
      ["REDIS_PASSWORD", g.password()],
      ["JWT_SECRET", g.b64url(48)],
      ["SESSION_SECRET", g.alnum(36)],
      ["ACCESS_TOKEN", g.b64url(64)],
      ["MASTER_KEY", g.hex(64)],
      ["ADMIN_PASSWD", g.password()],
      ["ENCRYPTION_KEY", g.b64(44)],
      ["PRIVATE_TOKEN", g.alnum(26)],
    ] as const
  ) {
    add("generic", name, value, 2);
  }
  raw("generic", `    db = pymysql.connect(host="db", user="etl", password="${g.password()}")`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split('"')[5]!;
  raw("generic", `  smtp.login('alerts@corp.example', '${g.password()}')`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("'")[3]!;
  raw("generic", `<add key="StorageToken" value="${g.b64(40)}" />`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split('"')[3]!;

  // Look-alikes not in the tuning corpus.
  const neg = (family: string, text: string) => raw(family, text, null);
  neg("k8s", "        valueFrom: { secretKeyRef: { name: db, key: password } }");
  neg("helm", "  password: {{ .Values.postgresql.auth.password | quote }}");
  neg("ansible", "db_password: !vault |");
  neg("json", '  "token": null,');
  neg("oauth", 'token_type: "Bearer"');
  neg("name", "secret_name: payments-api-credentials");
  neg("name", "api_key_header: X-API-Key");
  neg("config", "password_min_length: 12");
  neg("config", "token_ttl: 3600");
  neg("config", "PASSWORD_RESET_TIMEOUT=259200");
  neg("docker", `FROM node:20@sha256:${g.hex(64)}`);
  neg("lockfile", `content-hash = "${g.hex(64)}"`);
  neg("lockfile", `    "sha256:${g.hex(64)}",`);
  neg("lockfile", `source = "registry+https://github.com/rust-lang/crates.io-index"`);
  neg("lockfile", `"resolved": "https://registry.npmjs.org/x/-/x-2.0.1.tgz",`);
  neg("sri", `<script src="a.js" integrity="sha384-${g.b64(64)}" crossorigin></script>`);
  neg("font", `src: url(data:font/woff2;base64,${g.b64(200)}) format("woff2");`);
  neg("csproj", `<ProjectGuid>{${g.uuid().toUpperCase()}}</ProjectGuid>`);
  neg(
    "public",
    `client_id: ${g.digits(12)}-${g.str(32, LOWER + "0123456789")}.apps.googleusercontent.com`,
  );
  neg("public", `STRIPE_PUBLISHABLE_KEY=pk_test_${g.alnum(24)}`);
  neg("public", `ssh-ed25519 ${g.b64(68)} dev@laptop`);
  neg("git", `Merge: ${g.hex(7)} ${g.hex(7)}`);
  neg("git", `parent ${g.hex(40)}`);
  neg("ci", `  key: \${{ runner.os }}-node-\${{ hashFiles('**/package-lock.json') }}`);
  neg("ci", "  password: ${{ secrets.REGISTRY_PASSWORD }}");
  neg("ci", "  - export TOKEN=$(vault read -field=token secret/ci)");
  neg("shell", 'read -s -p "Password: " PASSWORD');
  neg("code", "const password = await prompt('Password');");
  neg("code", "if (token === undefined) throw new Error('missing token');");
  neg("code", "self.secret_key = settings.SECRET_KEY");
  neg("code", 'api_key = config.get("service", "api_key")');
  neg("code", 'String password = System.getenv("DB_PASSWORD");');
  neg("code", "export const TOKEN_KEY = 'auth.token';");
  neg("placeholder", "API_KEY=<insert-your-api-key>");
  neg("placeholder", "SECRET_KEY=replace-me");
  neg("placeholder", "password: 'p@ssw0rd'");
  neg("placeholder", "ACCESS_TOKEN=TODO");
  neg("placeholder", `aws_secret_access_key = ${"x".repeat(40)}`);
  neg("placeholder", "OPENAI_API_KEY=sk-...");
  neg("placeholder", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  neg("uri", "mongodb://<username>:<password>@cluster0.mongodb.net/test");
  neg("uri", "postgres://postgres:postgres@localhost:5432/postgres");
  neg("uri", "https://user@bitbucket.org/team/repo.git");
  neg("uri", "http://localhost:8080/api?page=2");
  neg("doc-example", "AKIAIOSFODNN7EXAMPLE");
  neg("alphabet", `build-id: ${g.str(20, UPPER + "0123456789")}`);
  neg("alphabet", `color: #${g.hex(6)}`);
  neg("alphabet", `  "etag": "W/\\"${g.hex(32)}\\""`);
  neg("alphabet", `request-id: ${g.uuid()}`);
  return out;
}
