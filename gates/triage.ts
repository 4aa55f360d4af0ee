/**
 * Triage before treatment: what kind of failure a failed gate shows, read
 * from its output with ONE table of signatures. Only code failures are worth
 * a patch; a network or registry error, a runner that died, or a missing
 * secret is not something a model can fix in the repository.
 *
 * @module
 */

import type { GateResult } from "../core/types.ts";
import { classifyExit } from "./classify.ts";

/** What kind of failure a gate shows. */
export type FailureClass = "code" | "flaky" | "infrastructure" | "configuration";

/** One signature of a failure that is not the code's fault. */
export interface TriageSignature {
  /** Stable id, named in reports ("npm-network", "dns", …). */
  id: string;
  /** The class it puts a gate in. */
  class: "infrastructure" | "configuration";
  /**
   * Matched against the gate's output with CI wrappers removed (ANSI
   * colours, `\r` progress, timestamps, GitLab section markers), so `^`
   * anchors a line as the tool printed it. Group 1, when present, names
   * the variable or host.
   */
  pattern: RegExp;
  /** What went wrong, in words. */
  what: string;
  /** What to do about it. */
  advice: string;
  /** Only when the gate's exit code is this. */
  exitCode?: number;
  /**
   * Words a test or an assertion may print as well (an HTTP status, a socket
   * error name): ignored when the output also shows a code failure (a failed
   * assertion, a failing test, a compiler error). Signatures anchored on a
   * tool's own error shape (npm's `code ETIMEDOUT`, pip's `Retrying`) are
   * not weak.
   */
  weak?: boolean;
}

const NET_ADVICE =
  "check the network of the runner, the proxy settings and the service's status, then re-run";
const ENV_ADVICE = "set it in the environment of the run (a CI secret or variable), then re-run";
// An environment variable's name as code writes it: upper case, digits, `_`.
const VAR = String.raw`([A-Z][A-Z0-9_]{2,})`;
// Lost connections as the C library, curl, Go, Java and Python word them.
const NET_WORDS = String
  .raw`Connection refused|Could(?:n't| not) connect|Failed to connect|Connect to \S+ (?:\[[^\]]*\] )?failed|connect(?:ion)? timed out|Connection timed out|Operation timed out|Read timed out|Timeout was reached|timed out after|Connection reset|No route to host|Network is unreachable|Unknown host|UnknownHostException|Could(?:n't| not) resolve|Temporary failure (?:in name resolution|resolving)|Name or service not known|nodename nor servname|no such host|dial tcp|i/o timeout|TLS handshake timeout|Empty reply from server|Recv failure|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ESOCKETTIMEDOUT`;
// An HTTP status a server gives when it is down or limiting, in the forms tools print it.
const HTTP_DOWN = String
  .raw`\b(?:429|50[0234])\b(?: (?:Too Many Requests|Service (?:Temporarily )?Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error))?|Too Many Requests|Service (?:Temporarily )?Unavailable|Bad Gateway|Gateway Time-?out`;

/**
 * Every signature, checked in order: configuration first (retrying cannot
 * help a missing secret), then infrastructure, tools' own error shapes
 * before generic words. Each is derived from the error shape the tool
 * documents or prints; tests/fixtures/triage/ holds genuine output of npm,
 * pnpm, yarn, pip, cargo, go, maven, apt-get, git, curl, wget, docker, aws,
 * bash, python, node, ruby and rust (and of genuine code failures that must
 * not match).
 */
export const TRIAGE_SIGNATURES: readonly TriageSignature[] = [
  // ------------------------------------------------------------ configuration
  {
    id: "unbound-variable",
    class: "configuration",
    // bash `set -u`: "bash: line 1: DEPLOY_TOKEN: unbound variable". Only
    // upper-case names: a lower-case local is a bug in the script.
    pattern: /: ([A-Z][A-Z0-9_]*): unbound variable/,
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "shell-parameter",
    class: "configuration",
    // `${NPM_TOKEN:?}` / `${X:?message}`: "bash: line 1: NPM_TOKEN: parameter null or not set".
    pattern: new RegExp(
      String
        .raw`^(?:[\w./-]*sh|[\w./-]+): (?:line \d+: |\d+: )?${VAR}: (?:parameter (?:null or )?not set|[^\n]*\b(?:must be (?:set|provided|defined)|not set|is required|missing)\b)`,
      "m",
    ),
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "python-environ",
    class: "configuration",
    // `os.environ["X"]` raises KeyError with a traceback through os.py
    // (pytest prints the exception line after `E   `).
    pattern: new RegExp(
      String
        .raw`(?:environ\[|<frozen os>|/os\.py"|getenv)[\s\S]{0,800}?\n(?:E\s+)?KeyError: ['"]${VAR}['"]`,
    ),
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "ruby-env",
    class: "configuration",
    // `ENV.fetch("X")`: "in `fetch': key not found: "X" (KeyError)".
    pattern: new RegExp(String.raw`\bfetch': key not found: "${VAR}" \(KeyError\)`),
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "rust-env",
    class: "configuration",
    // `env::var("X").expect("X must be set")` panics with the VarError `NotPresent`.
    pattern: new RegExp(String.raw`^(?:[^\n]*?\b${VAR}\b[^\n]*?|[^\n]*?): NotPresent$`, "m"),
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "env-read-undefined",
    class: "configuration",
    // Node, Deno and Python print the source line that failed:
    // `process.env.X.trim()`, `Deno.env.get("X")!.trim()`, `os.getenv("X").strip()`,
    // then a TypeError / AttributeError on undefined or None (before or after it).
    pattern: new RegExp(
      [
        String
          .raw`(?:\bprocess\.env(?:\.|\[["'])|\bDeno\.env\.get\(["']|\bos\.(?:getenv|environ\.get)\(["'])${VAR}\b[^\n]*\n(?:[^\n]*\n){0,6}?(?:(?:error: )?(?:Uncaught (?:\(in promise\) )?)?TypeError\b|AttributeError: 'NoneType')`,
        String
          .raw`(?:Uncaught (?:\(in promise\) )?)?TypeError: Cannot read propert(?:y|ies) of undefined[^\n]*\n(?:[^\n]*\n){0,2}?[^\n]*(?:\bprocess\.env(?:\.|\[["'])|\bDeno\.env\.get\(["'])${VAR}\b`,
      ].join("|"),
    ),
    what: "a required environment variable is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "missing-env",
    class: "configuration",
    // "Missing required environment variable DATABASE_URL", "secret X is not set",
    // "STRIPE_KEY environment variable not set", "the API_TOKEN environment variable
    // is required", "SENTRY_DSN is not defined in the environment", "Missing required secret X".
    // The words are matched in any case, the variable only in upper case.
    pattern: new RegExp(
      [
        String
          .raw`\b(?i:missing|required|undefined|not set|unset|must be set|not defined)\b[^\n]{0,30}?\b(?i:environment variables?|env(?:ironment)? var(?:iable)?s?|secrets?|credentials?)\b[\s:"'\`=]*${VAR}\b`,
        String
          .raw`\b(?i:environment variable|env var(?:iable)?|secret)\s+["'\`$]?${VAR}["'\`]?\s+(?i:is\s+|was\s+)?(?i:not set|unset|missing|required|undefined|empty|not defined|not found|must be (?:set|provided|defined))\b`,
        String
          .raw`["'\`$]?\b${VAR}["'\`]?\s+(?i:environment variable|env var(?:iable)?|secret)\s+(?i:is\s+|was\s+)?(?i:not set|unset|missing|required|undefined|empty|not defined|not found|must be (?:set|provided|defined))\b`,
        String
          .raw`\$?\b${VAR}\s+(?:is|was)\s+(?:not set|unset|not defined|undefined|missing|required|empty)\b[^\n]{0,40}\b(?i:environment|env)\b`,
        String.raw`\b(?i:set) (?:the )?${VAR} environment variable\b`,
        String.raw`\b(?i:Invalid environment variables?)\b[\s\S]{0,200}?\b${VAR}\b`,
        // dotenv-safe, envconfig, Spring.
        String.raw`\bare not present in the environment\b[\s\S]{0,80}?\b${VAR}\b`,
        String.raw`\brequired key ${VAR} missing value\b`,
        String.raw`\bCould not resolve placeholder '${VAR}'`,
      ].join("|"),
    ),
    what: "a required environment variable or secret is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "env-var-not-set",
    class: "configuration",
    // A bare "NPM_TOKEN is not set": only names with an underscore (a
    // variable's shape), in upper case.
    pattern:
      /(?:^|[\s:"'`$])([A-Z][A-Z0-9]*_[A-Z0-9_]+)["'`]? (?:is not set|is unset|is not defined|is undefined|is missing|is required|must be set)\b/m,
    what: "a required environment variable or secret is not set",
    advice: ENV_ADVICE,
  },
  {
    id: "terraform-variable",
    class: "configuration",
    pattern:
      /\bThe root module input variable "(\w+)" is not set|No value for required variable "?(\w+)?/,
    what: "a required Terraform variable (usually a TF_VAR_ secret) is not set",
    advice:
      "set TF_VAR_<name> in the environment of the run (a CI secret or variable), then re-run",
  },
  {
    id: "ci-input",
    class: "configuration",
    // GitHub Actions: "Input required and not supplied: token".
    pattern: /Input required and not supplied: ([\w-]+)/,
    what: "a required input of a CI action (often a secret) is not supplied",
    advice: "pass the input (e.g. `with: token: ${{ secrets.X }}`); secrets are not given to forks",
  },
  {
    id: "cloud-credentials",
    class: "configuration",
    pattern:
      /Unable to locate credentials|NoCredentialsError|Could not load credentials from any providers|Unable to load (?:AWS )?credentials from any (?:of the )?providers?|NoCredentialProviders: no valid providers|No valid credential sources found|The security token included in the request is (?:invalid|expired)|ExpiredToken(?:Exception)?:|InvalidClientTokenId|Please run 'az login'|az login\b[^\n]*to (?:setup|set up) account|DefaultAzureCredential failed to retrieve a token|(?:ClientSecret|Environment|ManagedIdentity)Credential authentication (?:failed|unavailable)|\bAADSTS\d{5,}|Could not automatically determine credentials|DefaultCredentialsError|Your default credentials were not found|You do not currently have an active account selected|The connection to the server localhost:8080 was refused - did you specify the right host or port\?/,
    what: "no (valid) cloud credentials are available to the run",
    advice:
      "give the run credentials (AWS keys or OIDC role, `az login`/service principal, GCP service account) as CI secrets",
  },
  {
    id: "registry-auth",
    class: "configuration",
    pattern:
      /npm (?:ERR!|error) code (?:E401|ENEEDAUTH|E403)\b|ERR_PNPM_FETCH_40[13]\b|YN0041\b|\b401 (?:Client Error: )?Unauthorized\b[^\n]*(?:simple|pypi|registry|npm)|unauthorized: authentication required|no basic auth credentials|denied: requested access to the resource is denied|Cannot perform an interactive login from a non TTY device|Invalid or non-existent authentication information|no token found, please run `cargo login`|No existing credentials found\. Please run/,
    what: "the package or image registry refused the credentials (missing or invalid token)",
    advice:
      "provide the registry token (e.g. NODE_AUTH_TOKEN / .npmrc authToken, docker login) to the run",
  },
  {
    id: "git-credentials",
    class: "configuration",
    pattern:
      /could not read (?:Username|Password) for '[^']*'|Authentication failed for '|Permission denied \(publickey[^)]*\)|Host key verification failed|remote: Invalid username or (?:password|token)/,
    what: "git has no (valid) credentials for a remote",
    advice:
      "give the run a token or deploy key for the remote (e.g. GITHUB_TOKEN) or use a public URL",
  },
  // ------------------------------------------------------- package managers
  {
    id: "npm-network",
    class: "infrastructure",
    pattern:
      /npm (?:ERR!|error) (?:code (?:ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|FETCH_ERROR|E429|E50[0234]|EPIPE|ESOCKETTIMEDOUT|ERR_SOCKET_TIMEOUT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\b|network (?:request|timeout)\b)/,
    what: "npm could not reach the package registry",
    advice: NET_ADVICE,
  },
  {
    id: "pnpm-yarn-bun-network",
    class: "infrastructure",
    pattern: new RegExp(
      [
        // pnpm: ` ERR_PNPM_META_FETCH_FAIL  GET …`, `ERR_PNPM_FETCH_503`, retry warnings.
        String
          .raw`ERR_PNPM_(?:META_FETCH_FAIL|FETCH_(?:429|50[0234])|TARBALL_FETCH|FETCH_ERROR|NETWORK|REQUEST_TIMEOUT)\b`,
        String.raw`WARN\s+GET \S+ error \((?:E[A-Z_]+)\)\. Will retry`,
        // yarn 1: its retry notices and its `error` reporter lines.
        String.raw`There appears to be trouble with (?:your network connection|the npm registry)`,
        String
          .raw`^error (?:An unexpected error occurred: "[^"]*)?[^\n]*\b(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ESOCKETTIMEDOUT|EHOSTUNREACH)\b`,
        String.raw`Request failed \\?"(?:429|50[0234])\b`,
        // yarn berry: `YN0001: │ RequestError: connect ECONNREFUSED …`, YN0035 with a status.
        String.raw`YN00(?:01|35)\b[^\n]*(?:RequestError|${NET_WORDS}|\b(?:429|50[0234])\b)`,
        // bun: "error: ConnectionRefused downloading package manifest x".
        String
          .raw`\b(?:ConnectionRefused|ConnectionClosed|FailedToOpenSocket|Timeout|DNSError) downloading (?:package manifest|tarball)`,
      ].join("|"),
      "m",
    ),
    what: "the JavaScript package manager could not reach the registry",
    advice: NET_ADVICE,
  },
  {
    id: "pip-network",
    class: "infrastructure",
    pattern:
      /Retrying \(Retry\(total=\d+[^\n]*(?:NewConnectionError|ConnectTimeoutError|ReadTimeoutError|ProtocolError|NameResolutionError|SSLError|ProxyError|Connection refused|Connection reset|too many (?:429|5\d\d) error responses)|\bHTTPS?ConnectionPool\(host='(?!127\.0\.0\.1'|localhost'|::1')[^\n]*Max retries exceeded[^\n]*(?:NewConnectionError|ConnectTimeoutError|ReadTimeoutError|NameResolutionError|ProtocolError|ResponseError|SSLError|ProxyError|Failed to establish|Failed to resolve)|pip\._vendor\.urllib3\.exceptions\.(?:ReadTimeoutError|ConnectTimeoutError|ProtocolError|NewConnectionError)|ERROR: HTTP error (?:429|50[0234]) while getting|\b(?:429|50[0234]) (?:Client|Server) Error: [^\n]*for url: \S*(?:simple|pypi|files\.pythonhosted)/,
    what: "pip could not reach the package index",
    advice: NET_ADVICE,
  },
  {
    id: "pip-no-versions",
    class: "infrastructure",
    // With no retries left, pip says only that the index offered nothing:
    // "(from versions: none)" is what an unreachable, failing or refusing
    // index gives (a misspelt name too; a wrong version lists the others).
    pattern:
      /Could not find a version that satisfies the requirement [^\n]*\(from versions: none\)/,
    what:
      "pip found no version at all of a requirement: the index was unreachable, failing or refused access",
    advice:
      "check that the index URL is reachable from the runner and its credentials; if it is, check the package name",
  },
  {
    id: "cargo-network",
    class: "infrastructure",
    pattern: new RegExp(
      String
        .raw`spurious network error|failed to download (?:from )?\`[^\`]*\`|download of \S+ failed|failed to get successful HTTP response from [^\n]*(?:\b(?:429|50[0234])\b)|\[(?:5|6|7|28|35|52|55|56)\] (?:Could(?:n't| not) resolve|Could(?:n't| not) connect|Timeout was reached|SSL connect error|Empty reply|Failure when receiving|Failed sending)|error sending request for url|Request failed after \d+ retries|\b(?:dns error|tcp connect error)\b`,
    ),
    what: "cargo (or another Rust-based tool) could not reach the registry",
    advice: NET_ADVICE,
  },
  {
    id: "go-network",
    class: "infrastructure",
    // A module download: the module path carries `@v…`, the proxy URL `/@v/`
    // or `/@latest`, or a vanity import path is looked up (`?go-get=1`).
    pattern: new RegExp(
      String
        .raw`(?:@v\d[^\s:]*|/@v/|/@latest|unrecognized import path "[^"]+"|sum\.golang\.org/lookup/)[^\n]*?(?:${NET_WORDS}|: (?:429|50[0234]) |unexpected status \([^)]*\): (?:429|50[0234]))`,
      "i",
    ),
    what: "go could not download modules (proxy, checksum database or VCS unreachable)",
    advice: `${NET_ADVICE} (GOPROXY, GONOSUMDB, GOPRIVATE)`,
  },
  {
    id: "jvm-network",
    class: "infrastructure",
    pattern: new RegExp(
      [
        // Maven: "Could not transfer artifact x from/to central (…): Connection refused".
        String
          .raw`Could not transfer (?:artifact|metadata)[^\n]*(?:${NET_WORDS}|status code: (?:429|50[0234])|\((?:429|50[0234])\)|${HTTP_DOWN})`,
        // Gradle: "Could not GET 'https://…'. Received status code 503 from server".
        String
          .raw`Could not (?:GET|HEAD|download)\s[^\n]*(?:\n[^\n]*){0,4}?(?:${NET_WORDS}|Received status code (?:429|50[0234]))`,
        String.raw`Received status code (?:429|50[0234]) from server`,
      ].join("|"),
    ),
    what: "Maven or Gradle could not download artifacts from the repository",
    advice: NET_ADVICE,
  },
  {
    id: "other-package-network",
    class: "infrastructure",
    pattern: new RegExp(
      [
        // RubyGems and Bundler.
        String.raw`Unable to download data from \S+ - `,
        String.raw`Could not fetch specs from \S+`,
        String.raw`Retrying (?:fetcher|dependency api|download gem from \S+) due to error`,
        String
          .raw`Gem::RemoteFetcher::(?:FetchError|UnknownHostError)|Bundler::HTTPError|Net::OpenTimeout`,
        // Composer, NuGet, dnf/yum, apk, Helm, Terraform, deno and other reqwest-based tools.
        String.raw`curl error \d+ while downloading`,
        String.raw`\bNU1301\b|Unable to load the service index for source`,
        String
          .raw`Curl error \((?:5|6|7|28|35|52|56)\)|Failed to download metadata for repo|Cannot find a valid baseurl for repo`,
        String
          .raw`temporary error \(try again later\)|network error \(check Internet connection and firewall\)`,
        String.raw`is not a valid chart repository or cannot be reached`,
        String
          .raw`Failed to query available provider packages[\s\S]{0,400}?(?:could not connect|${NET_WORDS})`,
        String.raw`error: (?:Import '[^']+' failed|Failed loading \S+ for package)`,
        // AWS CLI / botocore.
        String.raw`Could not connect to the endpoint URL: |Connect timeout on endpoint URL: `,
      ].join("|"),
      "i",
    ),
    what: "a package manager or cloud CLI could not reach its server",
    advice: NET_ADVICE,
  },
  {
    id: "apt-network",
    class: "infrastructure",
    pattern: new RegExp(
      String
        .raw`^(?:E|W|Err): ?(?:Failed to fetch|Unable to fetch)[^\n]*(?:${NET_WORDS}|${HTTP_DOWN}|Hash Sum mismatch)|^Err:\d+ [^\n]*\n\s+(?:${NET_WORDS}|${HTTP_DOWN})|Temporary failure resolving '|^(?:E|W): (?:Failed to fetch|Some index files failed to download)[^\n]*\n?[^\n]*(?:Could not resolve|Could not connect)`,
      "m",
    ),
    what: "apt could not reach the package mirror",
    advice: NET_ADVICE,
  },
  {
    id: "git-network",
    class: "infrastructure",
    pattern:
      /fatal: unable to access '[^']*': (?:Failed to connect|Could(?:n't| not) (?:resolve|connect)|Operation timed out|Connection timed out|Connection refused|Recv failure|Empty reply|SSL|gnutls_handshake|OpenSSL|HTTP\/2 stream|The requested URL returned error: (?:429|50[0234]))|^ssh: (?:Could not resolve hostname|connect to host [^\n]*: (?:Connection refused|Connection timed out|Network is unreachable|No route to host|Operation timed out))|kex_exchange_identification|error: RPC failed; (?:curl|HTTP) (?:\d+ )?(?:[^\n]*(?:timed out|reset|50[0234]|429|transfer closed))|^remote: (?:Internal Server Error|Service Unavailable)/m,
    what: "git could not reach a remote",
    advice: NET_ADVICE,
  },
  {
    id: "download-network",
    class: "infrastructure",
    // curl's and wget's own error lines (a CI script downloading a tool).
    pattern:
      /^curl: \((?:5|6|7|28|35|52|55|56)\) |^curl: \(22\) The requested URL returned error: (?:429|50[0234])\b|^wget: unable to resolve host address|^Resolving [^\n]*\.\.\. failed: |^Connecting to [^\n]*\.\.\. failed: |^[\d-]+ [\d:]+ ERROR (?:429|50[0234]):|^(?:Unable to establish SSL connection|Giving up\.$)|awaiting response\.\.\. (?:Read error|No data received)/m,
    what: "a download (curl/wget) could not reach its server",
    advice: NET_ADVICE,
  },
  {
    id: "docker-daemon",
    class: "infrastructure",
    pattern:
      /Cannot connect to the Docker daemon|Is the docker daemon running\?|error during connect: |failed to connect to the docker API|Cannot connect to Podman|Unable to connect to the server: (?:dial tcp|net\/http|EOF|x509)/,
    what: "no container engine (or cluster) is reachable from the runner",
    advice: "run the job on a runner with Docker (or start the daemon / service), then re-run",
  },
  {
    id: "container-registry",
    class: "infrastructure",
    pattern:
      /toomanyrequests:|You have reached your (?:unauthenticated )?pull rate limit|Error response from daemon: (?:Get|Head) "[^"]+": (?:dial tcp|net\/http|context deadline exceeded|EOF|read: connection reset)|error pulling image configuration: [^\n]*(?:timeout|reset|50[0234])|failed to (?:solve|resolve source metadata|do request|fetch oauth token)[^\n]*(?:dial tcp|no such host|i\/o timeout|TLS handshake timeout|connection reset|connection refused|\b(?:429|50[0234])\b)/,
    what: "the container registry could not be reached or rate-limited the run",
    advice:
      "wait and re-run, authenticate to the registry for a higher pull limit, or use a mirror",
  },
  // --------------------------------------------------------------- the host
  {
    id: "disk-full",
    class: "infrastructure",
    pattern:
      /\bENOSPC\b|no space left on device|Disk quota exceeded|\bEDQUOT\b|There is not enough space on the disk|You are running out of disk space|\[Errno 28\]/i,
    what: "the runner's disk is full",
    advice: "free disk space on the runner (caches, docker images) or use a larger disk",
  },
  {
    id: "runner-lost",
    class: "infrastructure",
    pattern:
      /The runner has received a shutdown signal|lost communication with the server|The hosted runner encountered an error|The agent did not connect within the all?otted time|We stopped hearing from agent|##\[error\]The job running on agent .* ran longer than|The self-hosted runner: .* lost communication|ERROR: Job failed \(system failure\)|Runner is shutting down|The job was not acquired by Runner/,
    what: "the CI runner was lost or shut down",
    advice: "re-run the job; if it repeats, check the runner's host",
  },
  {
    id: "runner-killed",
    class: "infrastructure",
    // SIGKILL with no word from the build about memory: something outside the
    // build (the runner's OOM killer, a cancelled job) ended it.
    pattern: /^/,
    exitCode: 137,
    what: "the build was killed (SIGKILL) without an out-of-memory message of its own",
    advice: "check the runner's memory and whether the job was cancelled, then re-run",
  },
  // --------------------------- generic words (weak: a test may print them too)
  {
    id: "rate-limit",
    class: "infrastructure",
    pattern:
      /\b429 Too Many Requests\b|\bHTTP Error 429\b|\bstatus(?: code)?:? 429\b|\bAPI rate limit exceeded\b|\bsecondary rate limit\b|\brate limit(?:ed| exceeded)\b|\bToo Many Requests for url\b/i,
    what: "a service rate-limited the run",
    advice: "wait and re-run, or authenticate to get a higher limit",
    weak: true,
  },
  {
    id: "service-unavailable",
    class: "infrastructure",
    pattern:
      /\b(?:502 Bad Gateway|503 Service (?:Temporarily )?Unavailable|504 Gateway Time-?out)\b|\bHTTP Error 50[234]\b|\b50[234] Server Error\b|\bstatus(?: code)?:? 50[234]\b/,
    what: "a remote service was unavailable",
    advice: "check the service's status page, then re-run",
    weak: true,
  },
  {
    id: "dns",
    class: "infrastructure",
    pattern:
      /\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b|Temporary failure in name resolution|Could not resolve host: (\S+)|\bName or service not known\b|\bnodename nor servname provided\b|\blookup \S+(?: on \S+)?: no such host\b|\bNameResolutionError\b|\bUnknownHostException\b|\bEAI_AGAIN\b/,
    what: "a host name could not be resolved (DNS)",
    advice: "check DNS and the network of the runner, then re-run",
    weak: true,
  },
  {
    id: "connection",
    class: "infrastructure",
    // Socket errors of a client (not a test's own local server: those
    // name 127.0.0.1 or localhost and are the code's business).
    pattern:
      /\b(?:ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b(?![^\n]*(?:127\.0\.0\.1|localhost|::1))|Connection reset by peer|TLS handshake timeout|\bi\/o timeout\b(?![^\n]*(?:127\.0\.0\.1|localhost))|\bNetwork is unreachable\b|\bNo route to host\b|requests\.exceptions\.(?:ConnectionError|ConnectTimeout|ReadTimeout)|urllib\.error\.URLError: <urlopen error (?!\[Errno 111\])|java\.net\.(?:SocketTimeoutException|NoRouteToHostException)|java\.net\.ConnectException: Connection (?:refused|timed out)(?![^\n]*(?:127\.0\.0\.1|localhost))|\bsocket hang up\b|\bECONNABORTED\b|\[Errno 110\] Connection timed out|\bResponse status code does not indicate success: (?:429|50[0234])\b/,
    what: "a network connection failed",
    advice: NET_ADVICE,
    weak: true,
  },
];

// Lines that name a test or state an assertion: a signature's words there
// are the test's subject, not what happened to the run.
const _TEST_LINE = new RegExp(
  [
    String.raw`^\s*(?:not ok|ok)\s+\d+\b`,
    String.raw`^\s*#\s*Subtest:`,
    String.raw`^\s*(?:✖|✕|×|✔|✓|√|●|›|✗)\s`,
    String.raw`^\s*--- (?:FAIL|PASS|SKIP)\b`,
    String.raw`^\s*=== (?:RUN|PAUSE|CONT)\b`,
    String.raw`^\s*(?:FAIL|FAILED|PASSED|ERROR|FAILURE):?\s+(?:test|[\w./-]+(?:\.py|::))`,
    String.raw`^\s*(?:FAIL|FAILED|PASS|PASSED)\s+[\w./-]+\.\w+`,
    String.raw`^\s*test [\w:]+ \.\.\. `,
    String.raw`\.\.\. (?:FAIL|ERROR|ok|FAILED|failed)$`,
    String.raw`^\s*\d+\) `,
    String.raw`^\s*rspec \./`,
    String.raw`^\s*(?:test|it|describe)\(`,
    String.raw`^\s*def test_`,
    String.raw`^\s*func Test`,
    String.raw`^\s*fn \w+\(`,
    String
      .raw`\b(?:AssertionError|AssertError|assert(?:ion|_eq|_ne|Equal|_equal|That)?|expect(?:ed)?|Expected|Received|actual|toBe|toEqual|toStrictEqual|toThrow|toMatch|should|want)\b`,
    String.raw`^E\s+(?:assert|AssertionError|[-+?] )`,
  ].join("|"),
);

// Diff lines of an assertion (`- expected`, `+ actual`): skipped only when
// the output shows a code failure (tools print `  - item` lists too).
const _DIFF_LINE = /^\s*[-+]\s/;

// A code failure in the output: a failed assertion or test, a compiler
// error. Weak signatures do not count then.
const _CODE_EVIDENCE = new RegExp(
  [
    String.raw`^\s*--- FAIL:`,
    String.raw`^\s*not ok \d`,
    String.raw`^FAILED\s`,
    String.raw`^\s*\d+ failing\b`,
    String.raw`\bAssertionError\b`,
    String.raw`\bassertion(?: \x60[^\x60]*\x60)? failed\b`,
    String.raw`^\s*(?:✖|✕|✗)\s`,
    String.raw`\berror\[E\d{4}\]`,
    String.raw`\berror TS\d{4}\b`,
    String.raw`\bTS\d{4} \[ERROR\]`,
    String.raw`\bType checking failed\b`,
    String.raw`^\S+\.go:\d+:\d+: `,
    String.raw`\bcould not compile \x60`,
    String.raw`^[^\s:]+\.\w+:\d+:\d+: (?:fatal )?error:`,
    String.raw`test result: FAILED`,
    String.raw`^\s*Failures?:\s*$`,
    String.raw`\b\d+ examples?, [1-9]\d* failures?`,
    String.raw`^=+ (?:FAILURES|ERRORS) =+`,
    String.raw`^E\s{3}`,
    String.raw`^(?:FAIL|ERROR): test`,
    String.raw`Tests run: \d+, Failures: [1-9]`,
    String.raw`^# fail [1-9]`,
    String.raw`\bcannot find symbol\b`,
    String.raw`\bundefined reference to\b`,
    String.raw`^\s*Expected:? `,
  ].join("|"),
  "m",
);

/**
 * The output as the tool printed it: CI wrappers removed (ANSI colours,
 * `\r` progress, ISO timestamps, GitLab section markers), bounded.
 *
 * @param output A gate's output.
 * @returns The cleaned text.
 */
export function cleanForTriage(output: string): string {
  // The head and the tail carry the verdict; a huge middle does not.
  const text = output.length > 4_000_000
    ? output.slice(0, 1_000_000) + "\n" + output.slice(-3_000_000)
    : output;
  // deno-lint-ignore no-control-regex -- ANSI escapes start with ESC
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").split("\n").map((l) => {
    let line = l.endsWith("\r") ? l.slice(0, -1) : l;
    const cut = line.lastIndexOf("\r");
    if (cut >= 0) line = line.slice(cut + 1) || line.slice(0, cut);
    return line
      .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/, "")
      .replace(/^section_(?:start|end):\d+:[\w-]+(?:\[[^\]]*\])?/, "");
  }).join("\n");
}

/** The triage of one gate. */
export interface GateTriage {
  /** Gate id. */
  gate: string;
  /** The class. */
  class: FailureClass;
  /** The signature that matched (not for code or flaky). */
  signature?: string;
  /** The variable or host the signature named, when it named one. */
  subject?: string;
  /** What went wrong, in words. */
  what?: string;
  /** What to do. */
  advice?: string;
  /** The line that matched. */
  evidence?: string;
}

/**
 * Classify one failed gate by its output.
 *
 * A gate whose status is `oom` (the build said it ran out of memory) is a
 * code failure: recipes raise the heap or the pool. `runner-killed` applies
 * only to a plain `failed` with exit 137 (no "Killed", no OOM words).
 *
 * @param g The gate result.
 * @returns Its triage (`code` when no signature matches).
 * @example
 * ```ts
 * import { triageGate } from "./triage.ts";
 * const t = triageGate({ id: "install", name: "install", required: true, status: "failed",
 *   exitCode: 1, durationMs: 1, output: "npm error code ETIMEDOUT\n", failures: [] });
 * console.assert(t.class === "infrastructure");
 * ```
 */
export function triageGate(g: GateResult): GateTriage {
  if (g.status === "passed" || g.status === "skipped") return { gate: g.id, class: "code" };
  const text = cleanForTriage(g.output);
  const codeFailure = _CODE_EVIDENCE.test(text);
  for (const sig of TRIAGE_SIGNATURES) {
    if (sig.exitCode !== undefined) {
      if (g.exitCode !== sig.exitCode || g.status !== "failed") continue;
      // The build's own out-of-memory words ("Killed", a heap limit) make it
      // the build's: recipes raise the heap, as when the runner says `oom`.
      const exit = { code: g.exitCode, timedOut: false, aborted: false, output: g.output };
      if (classifyExit(exit) !== "failed") continue;
    }
    if (sig.weak && codeFailure) continue;
    const m = _firstOutsideTests(sig.pattern, text, codeFailure);
    if (!m) continue;
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    const lineEnd = text.indexOf("\n", m.index + Math.max(1, m[0].length) - 1);
    const line = sig.exitCode !== undefined
      // A signal has no line of its own: say how it ended and what it printed last.
      ? `exit code ${g.exitCode} (SIGKILL) after: ${
        text.trimEnd().split("\n").at(-1)?.trim() || "(no output)"
      }`
      : text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const evidence = line.trim().slice(0, 300);
    const subject = m.slice(1).find((x) => x);
    return {
      gate: g.id,
      class: sig.class,
      signature: sig.id,
      ...(subject ? { subject } : {}),
      what: sig.what,
      advice: sig.advice,
      ...(evidence ? { evidence } : {}),
    };
  }
  return { gate: g.id, class: "code" };
}

// The first match whose line (where the match starts) is not a test's name
// or an assertion; at most 20 matches are looked at.
function _firstOutsideTests(
  pattern: RegExp,
  text: string,
  codeFailure: boolean,
): RegExpExecArray | null {
  if (pattern.source === "^") return pattern.exec(text);
  const re = new RegExp(
    pattern.source,
    pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g",
  );
  for (let i = 0; i < 20; i++) {
    const m = re.exec(text);
    if (!m) return null;
    const start = text.lastIndexOf("\n", m.index) + 1;
    const end = text.indexOf("\n", m.index);
    const line = text.slice(start, end < 0 ? undefined : end);
    if (!_TEST_LINE.test(line) && !(codeFailure && _DIFF_LINE.test(line))) return m;
    if (m[0].length === 0) re.lastIndex++;
  }
  return null;
}

/**
 * One sentence about a non-code triage for the console and the report.
 *
 * @param t The triage.
 * @returns E.g. `Gate "install": npm could not reach the package registry
 * (npm-network: npm error code ETIMEDOUT); check …`.
 */
export function describeTriage(t: GateTriage): string {
  const subject = t.subject && t.class === "configuration" ? ` ${t.subject}` : "";
  const evidence = t.evidence ? `: ${t.evidence}` : "";
  return `Gate "${t.gate}": ${t.what ?? t.class}${subject ? ` (${subject.trim()})` : ""} [${
    t.signature ?? t.class
  }${evidence}]; ${t.advice ?? ""}`.trim();
}
