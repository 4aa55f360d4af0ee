// The tuning corpus: labelled examples the detectors were developed
// against. Every secret is synthesised (seeded, right alphabet, length and
// checksum); look-alikes model what a repository holds that is not a secret.
import { B32, BECH32, Gen, LOWER, UPPER } from "./gen.ts";

/** One labelled example. */
export interface Example {
  /** Family, for the per-family report. */
  family: string;
  /** The text (one or a few lines). */
  text: string;
  /** The secret in it, or null for a look-alike. */
  secret: string | null;
}

type Ctx = (name: string, value: string) => string;

/** The file syntaxes a credential shows up in. */
export const CONTEXTS: readonly Ctx[] = [
  (n, v) => `${n.toUpperCase()}=${v}`,
  (n, v) => `export ${n.toUpperCase()}="${v}"`,
  (n, v) => `  ${n}: ${v}`,
  (n, v) => `  "${n}": "${v}",`,
  (n, v) => `${n} = "${v}"`,
  (n, v) => `const ${n.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())} = '${v}';`,
];

/** Build the tuning corpus. */
export function tuningCorpus(): Example[] {
  const g = new Gen(7);
  const out: Example[] = [];
  const pos = (family: string, name: string, value: string, times = 3) => {
    // The same value in several file syntaxes.
    for (let k = 0; k < times; k++) {
      out.push({ family, text: g.pick(CONTEXTS)(name, value), secret: value });
    }
  };
  const raw = (family: string, text: string, secret: string | null) =>
    out.push({ family, text, secret });

  // Known formats.
  pos("aws", "aws_access_key_id", `AKIA${g.str(16, B32)}`);
  pos("aws", "aws_secret_access_key", g.b64(40));
  pos("aws", "aws_account_id", g.digits(12), 2);
  pos("github", "github_token", g.crcToken("ghp_"));
  pos("github", "gh_token", g.crcToken("gho_"), 1);
  pos("github", "token", `github_pat_${g.alnum(22)}_${g.alnum(59)}`, 2);
  pos("gitlab", "gitlab_token", `glpat-${g.b64url(20)}`);
  pos("slack", "slack_bot_token", `xoxb-${g.digits(12)}-${g.digits(13)}-${g.alnum(24)}`);
  raw(
    "slack-webhook",
    `webhook_url: https://hooks.slack.com/services/T${g.str(10, UPPER)}/B${g.str(10, UPPER)}/${
      g.alnum(24)
    }`,
    null,
  );
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("/").pop()!;
  pos("stripe", "stripe_secret_key", `sk_live_${g.alnum(24)}`);
  pos("openai", "openai_api_key", `sk-proj-${g.b64url(40)}T3BlbkFJ${g.b64url(40)}`);
  pos("anthropic", "anthropic_api_key", `sk-ant-api03-${g.b64url(93)}AA`);
  pos("huggingface", "hf_token", `hf_${g.str(34, UPPER + LOWER)}`);
  pos("huggingface", "hf_org_token", `api_org_${g.str(34, UPPER + LOWER)}`);
  pos("npm", "npm_token", g.crcToken("npm_"));
  raw("npm", `//registry.npmjs.org/:_authToken=${g.uuid()}`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split("=")[1]!;
  pos("snyk", "snyk_token", g.uuid());
  pos("heroku", "heroku_api_key", g.uuid(), 2);
  pos("sendgrid", "sendgrid_api_key", `SG.${g.b64url(22)}.${g.b64url(43)}`);
  pos("twilio", "twilio_api_key", `SK${g.hex(32)}`, 2);
  pos("datadog", "dd_api_key", g.hex(32), 2);
  pos("sumo", "sumo_access_id", `su${g.alnum(12)}`, 2);
  pos("sumo", "sumo_access_key", g.alnum(64), 1);
  pos("artifactory", "artifactory_api_key", `AKCp${g.alnum(69)}`, 2);
  pos("onfido", "onfido_api_token", `api_live.${g.b64url(11)}.${g.b64url(32)}`, 2);
  pos("codeclimate", "cc_test_reporter_id", g.hex(64), 2);
  pos("sauce", "sauce_access_key", g.uuid(), 2);
  pos("square", "square_oauth_secret", `sq0csp-${g.b64url(43)}`, 2);
  pos("softlayer", "softlayer_api_key", g.hex(64), 2);
  pos("jwt", "id_token", g.jwt(), 3);
  pos("age", "age_key", `AGE-SECRET-KEY-1${g.str(58, BECH32)}`, 1);
  pos("algolia", "algolia_admin_key", g.hex(32), 1);
  pos("alibaba", "alibaba_access_key_id", `LTAI${g.alnum(20)}`, 1);
  pos("asana", "asana_token", `1/${g.digits(16)}:${g.hex(32)}`, 1);
  pos("discord", "discord_bot_token", `${btoa(g.digits(18))}.${g.b64url(6)}.${g.b64url(38)}`, 1);
  pos("dropbox", "dropbox_token", `sl.${g.b64url(140)}`, 1);
  pos("facebook", "facebook_access_token", `EAAB${g.alnum(160)}`, 1);
  pos("finicity", "finicity_app_key", g.hex(32), 1);
  pos("hubspot", "hubspot_token", `pat-na1-${g.uuid()}`, 1);
  pos("infracost", "infracost_api_key", `ico-${g.alnum(32)}`, 1);
  pos("kucoin", "kucoin_api_key", g.hex(24), 1);
  pos("linear", "linear_api_key", `lin_api_${g.alnum(40)}`, 1);
  pos("linkedin", "linkedin_client_secret", g.alnum(16), 1);
  pos("adobe", "adobe_client_secret", `p8e-${g.alnum(32)}`, 1);
  pos("gcp", "google_api_key", `AIza${g.b64url(35)}`, 2);
  pos("digitalocean", "do_token", `dop_v1_${g.hex(64)}`, 1);
  pos("vault", "vault_token", `hvs.${g.b64url(90)}`, 1);
  pos("doppler", "doppler_token", `dp.st.prd.${g.alnum(43)}`, 1);
  pos("postman", "postman_api_key", `PMAK-${g.hex(24)}-${g.hex(34)}`, 1);
  pos("pulumi", "pulumi_access_token", `pul-${g.hex(40)}`, 1);
  pos("databricks", "databricks_token", `dapi${g.hex(32)}`, 1);
  pos("grafana", "grafana_sa_token", `glsa_${g.alnum(32)}_${g.hex(8)}`, 1);
  pos("newrelic", "new_relic_api_key", `NRAK-${g.str(27, UPPER + "0123456789")}`, 1);
  pos("shopify", "shopify_access_token", `shpat_${g.hex(32)}`, 1);
  pos("mailgun", "mailgun_api_key", `key-${g.hex(32)}`, 1);
  pos("mailchimp", "mailchimp_api_key", `${g.hex(32)}-us${1 + g.int(20)}`, 1);
  pos("replicate", "replicate_api_token", `r8_${g.alnum(37)}`, 1);
  pos("groq", "groq_api_key", `gsk_${g.alnum(52)}`, 1);
  pos("docker", "docker_token", `dckr_pat_${g.b64url(27)}`, 1);
  pos("pypi", "pypi_token", `pypi-AgEIcHlwaS5vcmc${g.b64url(80)}`, 1);
  for (let k = 0; k < 3; k++) {
    raw("private-key", `-----BEGIN ${g.pick(["RSA ", "EC ", "OPENSSH ", ""])}PRIVATE KEY-----`, "");
    out[out.length - 1]!.secret = "PRIVATE KEY";
  }
  // Credentials in URIs.
  for (const scheme of ["postgres", "mysql", "mongodb+srv", "redis", "amqp", "https"]) {
    const pw = g.password();
    raw("uri", `url: ${scheme}://svc_user:${pw}@db-${g.int(9)}.internal:5432/app`, pw);
  }
  // Generic assignments in config and code.
  for (
    const [name, value] of [
      ["api_key", g.alnum(32)],
      ["apiKey", g.b64url(40)],
      ["client_secret", g.b64url(32)],
      ["secret", g.alnum(24) + "!"],
      ["db_password", g.password()],
      ["SMTP_PASSWORD", g.password()],
      ["auth_token", g.hex(40)],
      ["encryption_key", g.b64(44)],
      ["signing_secret", g.hex(64)],
      ["webhook_secret", g.alnum(30)],
    ] as const
  ) {
    pos("generic", name, value, 2);
  }
  raw("generic", `conn = login("svc_build", "${g.password()}")`, "");
  out[out.length - 1]!.secret = out[out.length - 1]!.text.split('"')[3]!;

  // Look-alikes.
  const neg = (family: string, text: string) => raw(family, text, null);
  neg("doc-example", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE");
  neg("doc-example", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  neg("lockfile", `      "integrity": "sha512-${g.b64(86)}==",`);
  neg("lockfile", `  integrity sha1-${g.b64(27)}=`);
  neg("lockfile", `checksum = "${g.hex(64)}"`);
  neg("lockfile", `golang.org/x/sys v0.1.0 h1:${g.b64(43)}=`);
  neg("lockfile", `  resolved "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz#${g.hex(40)}"`);
  neg("uuid", `  "id": "${g.uuid()}",`);
  neg("uuid", `request_id = "${g.uuid()}"`);
  neg("sha", `commit ${g.hex(40)}`);
  neg("sha", `  uses: actions/setup-node@${g.hex(40)}`);
  neg("image", `background: url(data:image/png;base64,${g.b64(120)})`);
  for (
    const v of ["changeme", "xxx", "<password>", "your-api-key", "example", "dummy", "test", "***"]
  ) {
    neg("placeholder", g.pick(CONTEXTS)("password", v));
    neg("placeholder", g.pick(CONTEXTS)("api_key", v));
  }
  for (const v of ["${API_KEY}", "$API_KEY", "%API_KEY%", "${{ secrets.API_KEY }}"]) {
    neg("reference", g.pick(CONTEXTS)("api_key", v));
  }
  neg("reference", "const apiKey = process.env.API_KEY;");
  neg("reference", 'api_key = os.environ["API_KEY"]');
  neg("call", "token = get_token(session)");
  neg("path", "private_key: ./certs/dev.pem");
  neg("uri", "DATABASE_URL=postgres://user:password@localhost:5432/db");
  neg("uri", "REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379");
  neg("uri", "url: https://<user>:<password>@example.com");
  neg("alphabet", `build_hash = "${g.hex(32)}"`);
  neg("alphabet", `trace_id: ${g.hex(32)}`);
  neg("alphabet", `const ${g.pick(["id", "etag", "nonce"])} = "${g.b64url(22)}";`);
  neg("alphabet", `version: ${g.digits(12)}`);
  neg("alphabet", `sha256: "${g.hex(64)}"`);
  neg("prose", "Set GITHUB_TOKEN in the repository settings before running.");
  neg("prose", "The api key is read from the environment.");
  neg("public", `mapbox_public_token: pk.eyJ1Ijoi${g.b64url(40)}.${g.b64url(22)}`);
  neg("public", `stripe_publishable_key: pk_live_${g.alnum(24)}`);
  neg("public", "-----BEGIN PUBLIC KEY-----");
  neg("public", "-----BEGIN CERTIFICATE-----");
  return out;
}
