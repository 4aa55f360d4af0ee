// Every format of the detector table (policies/secret_formats.ts) and every
// contextual detector: a realistic line it must find, and a look-alike it
// must leave alone. Values are synthesised at run time (tests/policies/
// secrets_corpus/gen.ts), so this file holds no credential.
import assert from "node:assert/strict";
import {
  base62,
  crc32,
  hasCrcChecksum,
  isJwt,
  SECRET_FORMATS,
} from "../../policies/secret_formats.ts";
import {
  DETECTOR_NAMES,
  findSecrets,
  findSecretSpans,
  FORMAT_IDS,
  secretNameKind,
} from "../../policies/secrets.ts";
import { B32, BECH32, Gen, LOWER, UPPER } from "./secrets_corpus/gen.ts";

const g = new Gen(20261204);

/** [format id, a line holding one, a look-alike line holding none]. */
const CASES: Array<[string, () => string, () => string]> = [
  [
    "pem-private-key",
    () =>
      g.pick(["RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""]) &&
      `-----BEGIN ${g.pick(["RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""])}PRIVATE KEY-----`,
    () => "-----BEGIN CERTIFICATE-----",
  ],
  [
    "putty-private-key",
    () => "PuTTY-User-Key-File-3: ssh-ed25519",
    () => "Convert it with puttygen (PuTTY User Key File)",
  ],
  [
    "age-secret-key",
    () => `AGE-SECRET-KEY-1${g.str(58, BECH32)}`,
    () => "# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
  ],
  [
    "mapbox-secret-token",
    () => `MAPBOX_ACCESS_TOKEN=sk.eyJ1IjoiZGV2${g.b64url(40)}.${g.b64url(22)}`,
    () => `mapboxgl.accessToken = "pk.eyJ1IjoiZGV2${g.b64url(40)}.${g.b64url(22)}";`,
  ],
  [
    "jwt",
    () => `Authorization: Bearer ${g.jwt()}`,
    () => `id = "eyJmb28iOiJiYXIifQ.eyJ4IjoxfQ.${g.b64url(20)}"`,
  ],
  [
    "aws-access-key-id",
    () => `aws_access_key_id = ${g.pick(["AKIA", "ASIA"])}${g.str(16, B32)}`,
    () => "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  ],
  [
    "aws-secret-access-key",
    () => `aws_secret_access_key = ${g.b64(40)}`,
    () => "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  ["aws-account-id", () => `AWS_ACCOUNT_ID=${g.digits(12)}`, () => `timeout_ms = ${g.digits(12)}`],
  ["aws-mws-key", () => `mws_token: amzn.mws.${g.uuid()}`, () => "see amzn.mws.docs for setup"],
  [
    "gcp-api-key",
    () => `const maps = "AIza${g.b64url(35)}";`,
    () => `const maps = "AIza${g.b64url(12)}";`,
  ],
  [
    "gcp-service-account",
    () => `  "private_key_id": "${g.hex(40)}",`,
    () => `  "private_key_id": "<your key id>",`,
  ],
  [
    "gcp-oauth-client-secret",
    () => `client_secret: GOCSPX-${g.b64url(28)}`,
    () => "client_secret: GOCSPX-your-secret-here",
  ],
  [
    "gcp-oauth-access-token",
    () => `token=ya29.${g.b64url(120)}`,
    () => "the token starts with ya29.",
  ],
  [
    "azure-storage-key",
    () =>
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${
        g.b64(86)
      }==;EndpointSuffix=core.windows.net`,
    () =>
      "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  ],
  [
    "azure-shared-access-key",
    () =>
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${
        g.b64(43)
      }=`,
    () => "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=<key>",
  ],
  [
    "azure-storage-key-assigned",
    () => `AZURE_STORAGE_KEY: "${g.b64(86)}=="`,
    () => `AZURE_STORAGE_KEY: "\${{ secrets.AZURE_STORAGE_KEY }}"`,
  ],
  [
    "azure-sas",
    () => `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=r&sig=${g.b64(43)}%3D`,
    () => "https://acct.blob.core.windows.net/c?sig=true",
  ],
  [
    "azure-ad-client-secret",
    () => `AZURE_CLIENT_SECRET=${g.alnum(3)}8Q~${g.b64url(34)}`,
    () => "Q~ is part of the Entra secret format",
  ],
  [
    "azure-devops-pat",
    () => `AZURE_DEVOPS_PAT=${g.str(52, LOWER + "234567")}`,
    () => `AZURE_DEVOPS_PAT=${"a".repeat(52)}`,
  ],
  [
    "alibaba-access-key-id",
    () => `access_key_id: LTAI${g.alnum(20)}`,
    () => "LTAIxxxxxxxxxxxxxxxx is where the id goes",
  ],
  [
    "alibaba-secret-key",
    () => `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${g.alnum(30)}`,
    () => "ALIBABA_CLOUD_ACCESS_KEY_SECRET=${ALIBABA_SECRET}",
  ],
  [
    "digitalocean-token",
    () => `DIGITALOCEAN_TOKEN=dop_v1_${g.hex(64)}`,
    () => "DIGITALOCEAN_TOKEN=dop_v1_xxx",
  ],
  ["heroku-api-key", () => `HEROKU_API_KEY=${g.uuid()}`, () => `heroku_app_id = "${g.uuid()}"`],
  [
    "ibm-cloud-api-key",
    () => `IBM_CLOUD_API_KEY=${g.b64url(44)}`,
    () => "IBM_CLOUD_API_KEY=changeme",
  ],
  [
    "softlayer-api-key",
    () => `softlayer_api_key = "${g.hex(64)}"`,
    () => `softlayer_sha = "${g.hex(64)}"`,
  ],
  ["linode-token", () => `LINODE_TOKEN=${g.hex(64)}`, () => `linode_image_sha256=${g.hex(64)}`],
  [
    "cloudflare-api-token",
    () => `CLOUDFLARE_API_TOKEN=${g.b64url(40)}`,
    () => "CLOUDFLARE_ZONE=example.com",
  ],
  ["fastly-api-token", () => `FASTLY_API_TOKEN=${g.b64url(32)}`, () => "FASTLY_SERVICE=cdn-main"],
  [
    "github-classic-token",
    () => `GITHUB_TOKEN=${g.crcToken(g.pick(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]))}`,
    () => `GITHUB_TOKEN=ghp_${"x".repeat(36)}`,
  ],
  [
    "github-fine-grained-token",
    () => `token: github_pat_${g.alnum(22)}_${g.alnum(59)}`,
    () => "token: github_pat_REPLACE_WITH_YOUR_TOKEN",
  ],
  [
    "gitlab-token",
    () => `CI_TOKEN=${g.pick(["glpat-", "gldt-", "glrt-", "glptt-"])}${g.b64url(20)}`,
    () => "CI_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx",
  ],
  [
    "gitlab-runner-registration-token",
    () => `registration_token = "GR1348941${g.b64url(20)}"`,
    () => "registration_token = GR1348941",
  ],
  [
    "bitbucket-app-password",
    () => `BITBUCKET_APP_PASSWORD=ATBB${g.alnum(32)}`,
    () => "BITBUCKET_APP_PASSWORD=ATBB",
  ],
  [
    "bitbucket-client-secret",
    () => `bitbucket_client_secret: ${g.b64url(32)}`,
    () => "bitbucket_client_secret: ${BB_SECRET}",
  ],
  [
    "atlassian-api-token",
    () => `JIRA_API_TOKEN=${g.alnum(24)}`,
    () => "JIRA_API_TOKEN=your-jira-token",
  ],
  [
    "circleci-token",
    () => `CIRCLE_TOKEN=CCIPAT_${g.alnum(22)}_${g.hex(40)}`,
    () => `circle_build_sha=${g.hex(40)}`,
  ],
  ["travis-token", () => `TRAVIS_API_TOKEN=${g.alnum(22)}`, () => "travis_branch=main"],
  ["buildkite-token", () => `BUILDKITE_TOKEN=bkua_${g.hex(40)}`, () => "BUILDKITE_TOKEN=bkua_"],
  [
    "codeclimate-token",
    () => `CC_TEST_REPORTER_ID=${g.hex(64)}`,
    () => `CC_TEST_REPORTER_ID=${"0".repeat(64)}`,
  ],
  ["snyk-token", () => `SNYK_TOKEN=${g.uuid()}`, () => `request_id = "${g.uuid()}"`],
  [
    "sauce-labs-access-key",
    () => `SAUCE_ACCESS_KEY=${g.uuid()}`,
    () => `sauce_job = "${g.uuid()}"`,
  ],
  [
    "npm-access-token",
    () => `NPM_TOKEN=${g.crcToken("npm_")}`,
    () => `NPM_TOKEN=npm_${"0".repeat(36)}`,
  ],
  [
    "npmrc-auth",
    () => `//registry.npmjs.org/:_authToken=${g.uuid()}`,
    () => "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
  ],
  [
    "pypi-token",
    () => `password = pypi-AgEIcHlwaS5vcmc${g.b64url(70)}`,
    () => "every upload token starts with pypi-AgEIcHlwaS5vcmc",
  ],
  [
    "rubygems-api-key",
    () => `:rubygems_api_key: rubygems_${g.hex(48)}`,
    () => "gem 'rubygems_version'",
  ],
  [
    "nuget-api-key",
    () => `nuget push -ApiKey oy2${g.str(43, LOWER + "0123456789")}`,
    () => "oy2 is a prefix",
  ],
  [
    "artifactory-api-key",
    () => `ARTIFACTORY_API_KEY=AKCp${g.alnum(69)}`,
    () => "ARTIFACTORY_API_KEY=AKCp",
  ],
  [
    "artifactory-reference-token",
    () => `ARTIFACTORY_TOKEN=cmVmdGtu${g.alnum(56)}`,
    () => "ARTIFACTORY_URL=https://repo.local/artifactory",
  ],
  [
    "docker-hub-token",
    () => `DOCKERHUB_TOKEN=dckr_pat_${g.b64url(27)}`,
    () => "DOCKERHUB_USER=dckr_pat_user",
  ],
  ["crates-io-token", () => `CARGO_REGISTRY_TOKEN=cio${g.alnum(32)}`, () => "cio is the prefix"],
  [
    "clojars-token",
    () => `CLOJARS_PASSWORD=CLOJARS_${g.str(60, LOWER + "0123456789")}`,
    () => "CLOJARS_USERNAME=dev",
  ],
  [
    "terraform-cloud-token",
    () => `token = "${g.alnum(14)}.atlasv1.${g.b64url(67)}"`,
    () => `token = "xxxxxxxxxxxxxx.atlasv1.xxxx"`,
  ],
  ["pulumi-token", () => `PULUMI_ACCESS_TOKEN=pul-${g.hex(40)}`, () => "PULUMI_ACCESS_TOKEN=pul-"],
  ["vault-token", () => `VAULT_TOKEN=hvs.${g.b64url(90)}`, () => "VAULT_TOKEN=hvs.example"],
  ["doppler-token", () => `DOPPLER_TOKEN=dp.pt.${g.alnum(43)}`, () => "DOPPLER_TOKEN=dp.pt."],
  [
    "infracost-api-key",
    () => `INFRACOST_API_KEY=ico-${g.alnum(32)}`,
    () => "INFRACOST_API_KEY=ico-xxx",
  ],
  [
    "databricks-token",
    () => `DATABRICKS_TOKEN=dapi${g.hex(32)}`,
    () => `DATABRICKS_TOKEN=dapi${"0".repeat(32)}`,
  ],
  [
    "dynatrace-token",
    () =>
      `DT_API_TOKEN=dt0c01.${g.str(24, UPPER + "0123456789")}.${g.str(64, UPPER + "0123456789")}`,
    () => "DT_API_TOKEN=dt0c01.",
  ],
  [
    "planetscale-token",
    () => `PLANETSCALE_TOKEN=pscale_tkn_${g.b64url(43)}`,
    () => "pscale_tkn_ is the prefix",
  ],
  [
    "supabase-token",
    () => `SUPABASE_ACCESS_TOKEN=sbp_${g.hex(40)}`,
    () => "SUPABASE_URL=https://x.supabase.co",
  ],
  [
    "prefect-token",
    () => `PREFECT_API_KEY=pnu_${g.alnum(36)}`,
    () => "PREFECT_API_URL=http://127.0.0.1:4200/api",
  ],
  ["fly-io-token", () => `FLY_API_TOKEN=FlyV1 fm2_${g.b64(120)}`, () => "FLY_APP=demo"],
  ["netlify-token", () => `NETLIFY_AUTH_TOKEN=nfp_${g.alnum(36)}`, () => "NETLIFY_SITE_ID=my-site"],
  ["vercel-token", () => `VERCEL_TOKEN=${g.alnum(24)}`, () => "VERCEL_ORG_ID=team_demo"],
  [
    "okta-api-token",
    () => `OKTA_API_TOKEN=00${g.b64url(40)}`,
    () => "OKTA_ORG_URL=https://dev.okta.com",
  ],
  [
    "contentful-token",
    () => `CONTENTFUL_TOKEN=CFPAT-${g.b64url(43)}`,
    () => "CONTENTFUL_SPACE=main",
  ],
  [
    "sourcegraph-token",
    () => `SRC_ACCESS_TOKEN=sgp_${g.hex(16)}_${g.hex(40)}`,
    () => "SRC_ENDPOINT=https://sourcegraph.com",
  ],
  [
    "slack-webhook",
    () =>
      `url: https://hooks.slack.com/services/T${g.str(10, UPPER + "0123456789")}/B${
        g.str(10, UPPER + "0123456789")
      }/${g.alnum(24)}`,
    () => "url: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
  ],
  [
    "slack-token",
    () => `SLACK_BOT_TOKEN=xoxb-${g.digits(12)}-${g.digits(13)}-${g.alnum(24)}`,
    () => "SLACK_BOT_TOKEN=xoxb-not-a-real-token-this-will-not-work",
  ],
  [
    "discord-webhook",
    () => `https://discord.com/api/webhooks/${g.digits(18)}/${g.b64url(68)}`,
    () => "https://discord.com/api/webhooks/<id>/<token>",
  ],
  [
    "discord-bot-token",
    () => `client.login("${btoa(g.digits(18))}.${g.b64url(6)}.${g.b64url(38)}")`,
    () => `version = "${btoa("abcdefghijklmnopqr")}.${g.b64url(6)}.${g.b64url(30)}"`,
  ],
  [
    "discord-client-secret",
    () => `DISCORD_CLIENT_SECRET=${g.b64url(32)}`,
    () => "DISCORD_CLIENT_ID=1234",
  ],
  [
    "teams-webhook",
    () =>
      `https://contoso.webhook.office.com/webhookb2/${g.uuid()}@${g.uuid()}/IncomingWebhook/${
        g.hex(32)
      }/${g.uuid()}`,
    () => "https://contoso.webhook.office.com/webhookb2/",
  ],
  [
    "telegram-bot-token",
    () => `TELEGRAM_BOT_TOKEN=${g.digits(10)}:AA${g.b64url(33)}`,
    () => "TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
  ],
  ["twilio-api-key", () => `TWILIO=SK${g.hex(32)}`, () => `TWILIO=SK${"0".repeat(32)}`],
  [
    "twilio-account-sid",
    () => `account_sid = "AC${g.hex(32)}"`,
    () => `account_sid = "ACxxxxxxxx"`,
  ],
  [
    "twilio-auth-token",
    () => `TWILIO_AUTH_TOKEN=${g.hex(32)}`,
    () => "TWILIO_AUTH_TOKEN=your_auth_token",
  ],
  [
    "sendgrid-api-key",
    () => `SENDGRID_API_KEY=SG.${g.b64url(22)}.${g.b64url(43)}`,
    () => "SENDGRID_API_KEY=SG.xxxxx",
  ],
  ["brevo-api-key", () => `BREVO=xkeysib-${g.hex(64)}-${g.alnum(16)}`, () => "BREVO=xkeysib-"],
  [
    "mailchimp-api-key",
    () => `MAILCHIMP_KEY=${g.hex(32)}-us${g.int(20) + 1}`,
    () => "region: us-east-1",
  ],
  ["mailgun-api-key", () => `MAILGUN_KEY=key-${g.hex(32)}`, () => "primary-key-column: id"],
  [
    "postman-api-key",
    () => `POSTMAN_API_KEY=PMAK-${g.hex(24)}-${g.hex(34)}`,
    () => "POSTMAN_API_KEY=PMAK-",
  ],
  ["linear-api-key", () => `LINEAR_API_KEY=lin_api_${g.alnum(40)}`, () => "LINEAR_TEAM=eng"],
  ["linear-client-secret", () => `LINEAR_CLIENT_SECRET=${g.hex(32)}`, () => "LINEAR_CLIENT_ID=web"],
  [
    "hubspot-token",
    () => `HUBSPOT_TOKEN=pat-na1-${g.uuid()}`,
    () => `hubspot_portal = "${g.uuid()}"`,
  ],
  [
    "asana-token",
    () => `ASANA_TOKEN=1/${g.digits(16)}:${g.hex(32)}`,
    () => `ratio = 1/${g.digits(16)}`,
  ],
  ["dropbox-token", () => `DROPBOX_TOKEN=sl.${g.b64url(138)}`, () => "see sl.dropbox.example"],
  [
    "facebook-access-token",
    () => `FB_TOKEN=EAAB${g.alnum(150)}`,
    () => "FB_TOKEN=EAAB",
  ],
  [
    "facebook-app-token",
    () => `facebook_app_token = "${g.digits(15)}|${g.b64url(30)}"`,
    () => `facebook_page = "${g.digits(15)}"`,
  ],
  [
    "facebook-app-secret",
    () => `FACEBOOK_APP_SECRET=${g.hex(32)}`,
    () => "FACEBOOK_APP_ID=1234567890",
  ],
  [
    "linkedin-client-secret",
    () => `LINKEDIN_CLIENT_SECRET=${g.alnum(16)}`,
    () => "LINKEDIN_REDIRECT=/cb",
  ],
  [
    "twitter-api-secret",
    () => `TWITTER_API_SECRET=${g.alnum(50)}`,
    () => `twitter_handle = "${g.alnum(12)}"`,
  ],
  [
    "twitter-bearer-token",
    () => `TWITTER_BEARER_TOKEN=${"A".repeat(22)}${g.alnum(90)}`,
    () => `padding = "${"A".repeat(40)}"`,
  ],
  [
    "stripe-secret-key",
    () => `STRIPE_SECRET_KEY=${g.pick(["sk", "rk"])}_live_${g.alnum(99)}`,
    () => "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'",
  ],
  [
    "stripe-webhook-secret",
    () => `STRIPE_WEBHOOK_SECRET=whsec_${g.alnum(32)}`,
    () => "STRIPE_WEBHOOK_SECRET=whsec_...",
  ],
  [
    "square-access-token",
    () =>
      g.pick([`sq0atp-${g.b64url(22)}`, `sq0csp-${g.b64url(43)}`, `EAAA${g.b64url(60)}`]) &&
      `SQUARE_TOKEN=sq0csp-${g.b64url(43)}`,
    () => "SQUARE_TOKEN=sq0csp-",
  ],
  [
    "braintree-access-token",
    () => `BRAINTREE=access_token$production$${g.str(16, LOWER + "0123456789")}$${g.hex(32)}`,
    () => "BRAINTREE=access_token$production$",
  ],
  [
    "shopify-token",
    () => `SHOPIFY_TOKEN=shpat_${g.hex(32)}`,
    () => "SHOPIFY_STORE=demo.myshopify.com",
  ],
  [
    "flutterwave-secret-key",
    () => `FLW_SECRET=FLWSECK_TEST-${g.str(32, "abcdefgh0123456789")}-X`,
    () => "FLW_PUBLIC=FLWPUBK-",
  ],
  ["shippo-token", () => `SHIPPO=shippo_live_${g.hex(40)}`, () => "SHIPPO=shippo_live_"],
  ["easypost-api-key", () => `EASYPOST_API_KEY=EZAK${g.alnum(54)}`, () => "EASYPOST=EZAK"],
  ["plaid-secret", () => `PLAID_SECRET=${g.hex(30)}`, () => "PLAID_ENV=sandbox"],
  ["finicity-secret", () => `FINICITY_APP_KEY=${g.hex(32)}`, () => "FINICITY_PARTNER=1234"],
  [
    "kucoin-api-key",
    () => `KUCOIN_API_SECRET=${g.uuid()}`,
    () => "KUCOIN_URL=https://api.kucoin.com",
  ],
  ["datadog-api-key", () => `DD_API_KEY=${g.hex(32)}`, () => "DD_SITE=datadoghq.eu"],
  [
    "new-relic-key",
    () => `NEW_RELIC_API_KEY=NRAK-${g.str(27, UPPER + "0123456789")}`,
    () => "NEW_RELIC_APP=web",
  ],
  [
    "sentry-token",
    () => `SENTRY_AUTH_TOKEN=sntryu_${g.hex(64)}`,
    () => "SENTRY_ORG=acme",
  ],
  [
    "sumo-logic-access",
    () => `SUMO_ACCESS_ID=su${g.alnum(12)}`,
    () => "SUMO_ENDPOINT=https://api.sumologic.com",
  ],
  [
    "grafana-token",
    () => `GRAFANA_TOKEN=glsa_${g.alnum(32)}_${g.hex(8)}`,
    () => "GRAFANA_URL=http://127.0.0.1:3000",
  ],
  ["pagerduty-token", () => `PAGERDUTY_TOKEN=${g.b64url(20)}`, () => "PAGERDUTY_SERVICE=P123"],
  ["algolia-api-key", () => `ALGOLIA_ADMIN_KEY=${g.hex(32)}`, () => "ALGOLIA_APP_ID=ABC123"],
  ["adobe-client-secret", () => `ADOBE_CLIENT_SECRET=p8e-${g.alnum(32)}`, () => "ADOBE_ORG=acme"],
  [
    "onfido-api-token",
    () => `ONFIDO_API_TOKEN=api_live.${g.b64url(11)}.${g.b64url(32)}`,
    () => "ONFIDO_REGION=eu",
  ],
  ["airtable-token", () => `AIRTABLE_PAT=pat${g.alnum(14)}.${g.hex(64)}`, () => "pattern.match(x)"],
  [
    "notion-token",
    () => `NOTION_TOKEN=ntn_${g.digits(11)}${g.alnum(35)}`,
    () => "NOTION_PAGE=home",
  ],
  ["typeform-token", () => `TYPEFORM_TOKEN=tfp_${g.b64url(59)}`, () => "TYPEFORM_FORM=abc"],
  [
    "readme-api-key",
    () => `README_API_KEY=rdme_${g.str(70, LOWER + "0123456789")}`,
    () => "rdme_ prefix",
  ],
  [
    "scalingo-token",
    () => `SCALINGO_API_TOKEN=tk-us-${g.b64url(48)}`,
    () => "SCALINGO_REGION=osc-fr1",
  ],
  ["frameio-token", () => `FRAMEIO_TOKEN=fio-u-${g.b64url(64)}`, () => "FRAMEIO_TEAM=video"],
  [
    "anthropic-api-key",
    () => `ANTHROPIC_API_KEY=sk-ant-api03-${g.b64url(93)}AA`,
    () => "ANTHROPIC_API_KEY=sk-ant-...",
  ],
  [
    "openai-api-key",
    () => `OPENAI_API_KEY=sk-proj-${g.b64url(58)}T3BlbkFJ${g.b64url(58)}`,
    () => "OPENAI_API_KEY=sk-proj-your-key",
  ],
  [
    "huggingface-token",
    () => `HF_TOKEN=${g.pick(["hf_", "api_org_"])}${g.str(34, UPPER + LOWER)}`,
    () => "HF_HOME=/cache/hf_models",
  ],
  [
    "replicate-token",
    () => `REPLICATE_API_TOKEN=r8_${g.alnum(37)}`,
    () => "REPLICATE_MODEL=r8_model",
  ],
  ["groq-api-key", () => `GROQ_API_KEY=gsk_${g.alnum(52)}`, () => "GROQ_MODEL=llama"],
  ["perplexity-api-key", () => `PPLX=pplx-${g.alnum(48)}`, () => "PPLX=pplx-"],
  ["xai-api-key", () => `XAI=xai-${g.alnum(80)}`, () => "XAI=xai-"],
  ["cohere-api-key", () => `COHERE_API_KEY=${g.alnum(40)}`, () => "COHERE_MODEL=command-r"],
  ["mistral-api-key", () => `MISTRAL_API_KEY=${g.alnum(32)}`, () => "MISTRAL_MODEL=mistral-large"],
  // Contextual detectors.
  [
    "url-credential",
    () => `DATABASE_URL=postgres://app:${g.password()}@db.internal:5432/app`,
    () => "DATABASE_URL=postgres://user:password@localhost/db",
  ],
  [
    "connection-string-password",
    () => `Server=tcp:db;Database=app;User Id=sa;Password=${g.password()};`,
    () => "Server=tcp:db;Database=app;User Id=sa;Password=<password>;",
  ],
  [
    "bearer-token",
    () => `curl -H "Authorization: Bearer ${g.alnum(40)}" http://127.0.0.1`,
    () => `curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1`,
  ],
  [
    "basic-auth",
    () => `curl -u deploy:${g.password()} http://127.0.0.1/api`,
    () => "docker exec -u www-data:www-data app ls",
  ],
  [
    "config-key-value",
    () => `<add key="DbPassword" value="${g.password()}" />`,
    () => `<add key="DbPassword" value="" />`,
  ],
  [
    "keyword-assignment",
    () => `const apiKey = "${g.alnum(32)}";`,
    () => "const apiKey = process.env.API_KEY;",
  ],
  [
    "xml-element",
    () => `<password>${g.password()}</password>`,
    () => "<password>${DB_PASSWORD}</password>",
  ],
  [
    "cli-flag",
    () => `vault login --method=userpass --password ${g.password()}`,
    () => "echo $PASS | docker login --username ci --password-stdin registry.local",
  ],
  [
    "login-call-argument",
    () => `client.login("deploy", "${g.password()}")`,
    () => `client.login("deploy", getPassword())`,
  ],
];

Deno.test("secret formats every format and contextual detector has a case", () => {
  const covered = new Set(CASES.map(([id]) => id));
  assert.deepEqual(FORMAT_IDS.filter((id) => !covered.has(id)), []);
  assert.equal(covered.size, CASES.length, "one case per format");
});

for (const [id, pos, neg] of CASES) {
  Deno.test(`secret formats ${id} finds a synthesised one`, () => {
    for (let k = 0; k < 3; k++) {
      const line = pos();
      const hits = findSecrets(`const before = 1;\n${line}\nconst after = 2;\n`, DETECTOR_NAMES);
      assert.ok(hits.some((h) => h.format === id), `${id}: ${line} -> ${JSON.stringify(hits)}`);
    }
  });
  Deno.test(`secret formats ${id} leaves a look-alike alone`, () => {
    const line = neg();
    assert.deepEqual(findSecretSpans(line), [], line);
  });
}

Deno.test("secret formats GitHub checksum is base62 of the CRC-32 of the random part", () => {
  // CRC-32 check value of "123456789" (the standard test vector).
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(base62(0, 6), "000000");
  assert.equal(base62(61, 1), "z");
  const token = g.crcToken("ghp_");
  assert.ok(hasCrcChecksum(token, 4));
  const broken = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  assert.equal(hasCrcChecksum(broken, 4), false);
});

Deno.test("secret formats a placeholder GitHub token counts only with a valid checksum", () => {
  // A placeholder body is left out, unless it carries GitHub's checksum.
  const body = "x".repeat(30);
  const valid = `ghp_${body}${base62(crc32(body), 6)}`;
  const invalid = `ghp_${body}xxxxxx`;
  assert.equal(findSecrets(`t = ${valid}`, ["github-token"]).length, 1);
  assert.equal(findSecrets(`t = ${invalid}`, ["github-token"]).length, 0);
  // A hand-made token that is no placeholder is found without a checksum (redaction must mask it).
  assert.equal(findSecrets(`t = ghp_${"Zx9".repeat(12)}`, ["github-token"]).length, 1);
});

Deno.test("secret formats JWT needs a header with alg", () => {
  assert.ok(isJwt(g.jwt()));
  assert.equal(isJwt(`${btoa('{"typ":"JWT"}')}.eyJ4IjoxfQ.sig`), false);
  assert.equal(isJwt("eyJnotjson.eyJ4IjoxfQ.sig"), false);
});

Deno.test("secret formats every format's regex is a single-line pattern without the g flag", () => {
  for (const f of SECRET_FORMATS) {
    assert.equal(f.re.flags.includes("g"), false, f.id);
    assert.equal(f.re.flags.includes("m"), false, f.id);
  }
});

Deno.test("secret formats names that hold secrets and names that do not", () => {
  for (
    const n of ["API_KEY", "clientSecret", "db.password", "_authToken", "STRIPE_KEY", "GITHUB_PAT"]
  ) {
    assert.ok(secretNameKind(n), n);
  }
  for (
    const n of [
      "key",
      "public_key",
      "cache_key",
      "token_type",
      "password_hash",
      "secret_name",
      "client_secret_id",
      "primaryKey",
      "author",
      "keyboard",
    ]
  ) {
    assert.equal(secretNameKind(n), null, n);
  }
});

Deno.test("secret formats spans point at the secret, not its name", () => {
  const v = g.alnum(32);
  const text = `x = 1\nconst apiKey = "${v}";\n`;
  const [s] = findSecretSpans(text);
  assert.ok(s);
  assert.equal(text.slice(s.start, s.end), v);
  assert.equal(s.rule, "generic-assignment");
});

Deno.test("secret formats keyword assignments across file syntaxes", () => {
  const v = () => g.alnum(28);
  const lines = [
    `API_TOKEN=${v()}`,
    `export SECRET_KEY="${v()}"`,
    `  client_secret: ${v()}`,
    `"apiKey": "${v()}",`,
    `token = "${v()}"`,
    `db.password=${g.password()}`,
    `  auth: '${v()}'`,
    `apikey => "${v()}"`,
    `private readonly secretKey: string = "${v()}";`,
    `os.environ["API_KEY"] = "${v()}"`,
    `requests.get(url, auth=("deploy", "${g.password()}"))`,
    `mysql.connect(host="db", user="app", password="${g.password()}")`,
    `passwd = ${g.password()}`,
    `PWD=${g.password()}`,
  ];
  for (const l of lines) assert.equal(findSecretSpans(l).length, 1, l);
});

Deno.test("secret formats placeholders, references and paths stay clean", () => {
  const lines = [
    "password: changeme",
    "api_key = 'xxx'",
    "token: <password>",
    'api_key = "your-api-key"',
    "secret: example-secret-value",
    'password = "dummy"',
    "token: test",
    'password: "***"',
    "SECRET=aaaaaaaaaaaaaaaaaaaa",
    "API_KEY=${API_KEY}",
    "API_KEY=$API_KEY",
    "password=%DB_PASSWORD%",
    "token: ${{ secrets.TOKEN }}",
    "const key = process.env.KEY;",
    'api_key = os.environ["API_KEY"]',
    "secret = get_secret('name')",
    "private_key_path: /etc/ssl/private/server.key",
    "ssh_key: ~/.ssh/id_ed25519",
    "token = fixtures.fake_token",
    "PWD=/home/runner/work/app",
    'password = "test_password_123"',
    "mongodb://${MONGO_USER}:${MONGO_PASSWORD}@db:27017",
    "amqp://guest:guest@localhost:5672/",
    "https://user:xxx@example.com",
  ];
  for (const l of lines) assert.deepEqual(findSecretSpans(l), [], l);
});

Deno.test("secret formats lockfiles, hashes, images and commit ids stay clean", () => {
  const lines = [
    `      "integrity": "sha512-${g.b64(86)}==",`,
    `  integrity sha512-${g.b64(86)}==`,
    `checksum = "${g.hex(64)}"`,
    `github.com/pkg/errors v0.9.1 h1:${g.b64(43)}=`,
    `  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#${g.hex(40)}"`,
    `<img src="data:image/png;base64,${g.b64(200)}">`,
    `commit ${g.hex(40)}`,
    `"version": "${g.uuid()}"`,
    `sha256:${g.hex(64)}`,
    `  uses: actions/checkout@${g.hex(40)}`,
  ];
  for (const l of lines) assert.deepEqual(findSecretSpans(l), [], l);
});

Deno.test("secret formats redaction masks secrets never seen in the environment", async () => {
  const { createRedactor, loadPolicy } = await import("../../policies/engine.ts");
  const snyk = g.uuid();
  const hf = `api_org_${g.str(34, UPPER + LOWER)}`;
  const generic = g.alnum(32);
  const text = `SNYK_TOKEN=${snyk}\nhf: ${hf}\nconst apiKey = "${generic}";\nbuild ok`;
  for (
    const redact of [createRedactor({}), (await loadPolicy({})).redact.bind(await loadPolicy({}))]
  ) {
    const out = redact(text);
    for (const v of [snyk, hf, generic]) assert.ok(!out.includes(v), out);
    assert.match(out, /\[REDACTED:secret\.vendor-token\]/);
    assert.match(out, /\[REDACTED:secret\.generic-assignment\]/);
    assert.ok(out.endsWith("build ok"));
  }
});

Deno.test("secret formats redaction masks every detector even when the policy names none", async () => {
  const { createRedactor } = await import("../../policies/engine.ts");
  const token = g.crcToken("ghp_");
  const policy = {
    rules: [],
    programs: new Set<string>(),
    unknownPrograms: "allow",
    workspaces: [],
  } as const;
  const out = createRedactor({}, { ...policy, rules: [], workspaces: [] })(
    `push with ${token} now`,
  );
  assert.equal(out, "push with [REDACTED:secret.github-token] now");
});

Deno.test("secret formats a token as a URL's user part is found, an email-like user is not", () => {
  const hex = g.hex(40);
  const hits = findSecretSpans(`git clone https://${hex}@github.com/acme/app.git`);
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.rule, "url-password");
  assert.deepEqual(findSecretSpans("git clone https://git@github.com/acme/app.git"), []);
});

Deno.test("secret formats a JWT whose JSON has a space after the brace is found", () => {
  const enc = (s: string) => btoa(s).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const jwt = `${enc('{ "alg": "HS256" }')}.${enc('{ "sub": "42" }')}.${g.b64url(43)}`;
  assert.ok(jwt.startsWith("eyA"));
  assert.equal(findSecretSpans(`token: ${jwt}`)[0]?.rule, "jwt");
});
