/**
 * Pure classifiers behind the command judge's families of checks: files in
 * the home directory that run code or hold credentials, environment
 * variables that hook code into tools or turn off TLS, secret-bearing
 * variables, credential files, network senders and the hosts CI talks to.
 * They take evaluated values and answer; the handlers decide what to hit.
 *
 * @module
 */

// Files in a home directory that a shell, git, curl, npm or ssh reads and
// acts on (startup scripts, tool configuration with command or registry
// settings, authorised keys), or that hold credentials.
const HOME_CONFIG =
  /^(?:\.ssh(?:\/.*)?|\.bashrc|\.bash_profile|\.bash_login|\.bash_logout|\.profile|\.zshrc|\.zshenv|\.zprofile|\.zlogin|\.kshrc|\.mkshrc|\.config\/fish(?:\/.*)?|\.curlrc|\.wgetrc|\.netrc|\.npmrc|\.yarnrc(?:\.yml)?|\.pypirc|\.pip(?:\/.*)?|\.config\/pip(?:\/.*)?|\.gitconfig|\.config\/git(?:\/.*)?|\.git-credentials|\.docker(?:\/.*)?|\.kube(?:\/.*)?|\.aws(?:\/.*)?|\.azure(?:\/.*)?|\.config\/gh(?:\/.*)?|\.config\/gcloud(?:\/.*)?|\.gnupg(?:\/.*)?|\.cargo\/config(?:\.toml)?|\.m2\/settings\.xml|\.gradle\/gradle\.properties|\.inputrc|\.vimrc|\.pam_environment|\.config\/autostart(?:\/.*)?|\.config\/systemd(?:\/.*)?)$/;

// Files whose content is a credential (read to be sent somewhere).
const CREDENTIAL_FILE =
  /^(?:\.ssh\/(?:id_[^/]*|.*\.pem|.*_key|config)|\.aws\/(?:credentials|config)|\.docker\/config\.json|\.kube\/config|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.config\/gh\/hosts\.yml|\.azure\/.*|\.config\/gcloud\/.*|\.gnupg\/.*|\.vault-token|\.terraform\.d\/credentials\.tfrc\.json)$/;

/**
 * The home-relative part of a path in a home directory (`~/x`, `/root/x`,
 * `/home/u/x`), or null.
 */
function _homeRel(path: string): string | null {
  const m = /^(?:~[^/]*|\/root|\/home\/[^/]+|\/Users\/[^/]+)\/+(.+)$/.exec(path);
  return m ? m[1]!.replace(/\/+$/, "").replace(/\/+/g, "/") : null;
}

/**
 * Whether a written path is a home file that runs code or holds credentials
 * (`~/.bashrc`, `~/.ssh/authorized_keys`, `~/.npmrc`).
 *
 * @param path The path as evaluated (`$HOME` reads as `~`).
 * @returns A description for messages, or null.
 */
export function homeConfigFile(path: string): string | null {
  const rel = _homeRel(path);
  return rel !== null && HOME_CONFIG.test(rel) ? `"~/${rel}"` : null;
}

/**
 * Whether a path is a credential file (`~/.aws/credentials`, `~/.ssh/id_rsa`,
 * `/proc/1/environ`).
 *
 * @param path The path as evaluated.
 * @returns True for credential files.
 */
export function credentialFile(path: string): boolean {
  if (/^\/proc\/[^/]+\/environ$/.test(path) || path === "/etc/shadow") return true;
  const rel = _homeRel(path);
  if (rel !== null) return CREDENTIAL_FILE.test(rel) || /^\.ssh(?:\/|$)/.test(rel);
  return /(?:^|\/)\.(?:git-credentials|netrc|vault-token)$/.test(path);
}

/**
 * Whether a variable name holds a secret by convention.
 *
 * @param name The variable name.
 * @returns True for names like `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`.
 */
export function secretVariable(name: string): boolean {
  return /(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|_PAT|_PWD|CONNECTION_STRING|AUTH)(?:_|$)/i
    .test(name) || /^(?:DATABASE_URL|AWS_SESSION_TOKEN|GH_TOKEN|NPM_TOKEN)$/.test(name);
}

/**
 * The secret-named variables a raw word expands (`$GITHUB_TOKEN`, `${NPM_TOKEN}`).
 *
 * @param raw The raw source text of a word.
 * @returns Their names.
 */
export function secretRefs(raw: string): string[] {
  const out: string[] = [];
  for (const m of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (secretVariable(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** Programs that send data over the network. */
export const NETWORK_SENDERS: ReadonlySet<string> = new Set([
  "curl",
  "wget",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "telnet",
  "ssh",
  "scp",
  "sftp",
  "rsync",
  "ftp",
  "tftp",
  "http",
  "https",
  "xh",
  "httpie",
  "aria2c",
  "openssl",
  "gsutil",
  "rclone",
  "sendmail",
  "mail",
  "mailx",
  "Invoke-WebRequest",
  "Invoke-RestMethod",
  "iwr",
  "irm",
]);

/** Programs that resolve names (a lookup of `$SECRET.attacker.example` leaks the secret). */
export const DNS_TOOLS: ReadonlySet<string> = new Set([
  "nslookup",
  "dig",
  "host",
  "drill",
  "getent",
  "resolvectl",
  "ping",
  "ping6",
  "traceroute",
]);

// Hosts a CI job legitimately sends its tokens to.
const SERVICE_HOST =
  /(?:^|\.)(?:github\.com|githubusercontent\.com|ghcr\.io|gitlab\.com|bitbucket\.org|dev\.azure\.com|visualstudio\.com|azure\.com|azurecr\.io|windows\.net|microsoftonline\.com|amazonaws\.com|googleapis\.com|pkg\.dev|gcr\.io|docker\.io|docker\.com|quay\.io|npmjs\.org|npmjs\.com|pypi\.org|rubygems\.org|crates\.io|nuget\.org|slack\.com|atlassian\.net|sonarcloud\.io|codecov\.io|coveralls\.io|sentry\.io|localhost)$/i;

/**
 * Whether a URL points at a service CI talks to with its tokens (GitHub,
 * Azure, AWS, registries), or at this machine.
 *
 * @param url The URL (or `host:path`).
 * @returns True for known service hosts; false for others or unknown hosts.
 */
export function serviceUrl(url: string): boolean {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/:?#]+)/i.exec(url);
  if (!m) return false;
  const host = m[1]!;
  return SERVICE_HOST.test(host) || /^127\.|^\[?::1\]?$/.test(host);
}

/**
 * Why an environment assignment hooks code into a tool or turns off a
 * safety check, or null when it does not.
 *
 * @param name Variable name.
 * @param value Its value (NUL marks parts only known at run time).
 * @returns The reason, or null.
 */
export function environmentHook(name: string, value: string): string | null {
  const v = value.trim();
  const upper = name.toUpperCase();
  if (name === "BASH_ENV" || name === "ENV" || name === "ZDOTDIR" || name === "PERL5OPT") {
    return v === "" ? null : `${name} makes every shell or interpreter run a file first`;
  }
  if (
    /^(?:LD_PRELOAD|LD_AUDIT|DYLD_INSERT_LIBRARIES|LD_LIBRARY_PATH|DYLD_LIBRARY_PATH)$/.test(name)
  ) {
    return v === "" ? null : `${name} loads a library into every program`;
  }
  if (name === "NODE_OPTIONS" || name === "DENO_OPTIONS") {
    return /(?:^|\s)(?:-r|--require|--import|--loader|--experimental-loader|-e|--eval|-p|--print)(?:[=\s]|$)|--inspect/
        .test(v)
      ? `${name}=${v} loads code into every node process`
      : null;
  }
  if (
    /^(?:PYTHONSTARTUP|PYTHONPATH|PERL5LIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS)$/.test(
      name,
    )
  ) {
    return _localOrTemp(v) || /-javaagent|-r\s*\S|--require/.test(v)
      ? `${name}=${v} loads code from a writable place`
      : null;
  }
  if (name === "PATH") {
    const dirs = v.split(":");
    // `PATH=./x:$PATH`: programs are looked up in a writable folder first.
    const bad = dirs.find((d, i) =>
      (d === "" && i < dirs.length - 1) ||
      !d.includes("\u0000") && _localOrTemp(d) && !TOOL_DIRS.test(d)
    );
    return bad === undefined ? null : `PATH looks up programs in "${bad || "."}" first`;
  }
  if (/^npm_config_/i.test(name)) {
    const key = name.slice(11).toLowerCase().replaceAll("-", "_");
    if (/registry$/.test(key) && /^http:/i.test(v)) return `${name} installs from plain HTTP`;
    if (key === "strict_ssl" && /^(?:false|0|no)$/i.test(v)) return `${name} turns off TLS checks`;
    if (key === "unsafe_perm" && /^(?:true|1|yes)$/i.test(v)) {
      return `${name} runs install scripts as root`;
    }
    if (
      /^(?:node_options|userconfig|globalconfig|onload_script|init_module|git|shell|ca|cafile|script_shell)$/
        .test(key)
    ) {
      return `${name} changes what npm runs or trusts`;
    }
    return null;
  }
  if (/^TF_CLI_ARGS(?:_\w+)?$/.test(name)) {
    // Only options that change no state are fine in the environment.
    const flags = v.split(/\s+/).filter((f) => f !== "");
    const ok =
      /^-(?:no-color|input=false|compact-warnings|parallelism=\d+|lock-timeout=\w+|detailed-exitcode|json)$/;
    return flags.every((f) => ok.test(f))
      ? null
      : `${name}=${v} adds options to every terraform run`;
  }
  if (name === "GOINSECURE" || name === "GONOSUMDB" || name === "GONOSUMCHECK") {
    return v === "" ? null : `${name} turns off module checks`;
  }
  if (name === "GOFLAGS" && /-insecure/.test(v)) return "GOFLAGS=-insecure turns off TLS checks";
  if (name === "GOSUMDB" && v === "off") return "GOSUMDB=off turns off module checks";
  if (name === "GOPROXY" && /(?:^|,)http:/i.test(v)) return "GOPROXY over plain HTTP";
  if (
    upper === "AZURE_CLI_DISABLE_CONNECTION_VERIFICATION" || name === "ADAL_PYTHON_SSL_NO_VERIFY"
  ) {
    return v === "" ? null : `${name} turns off TLS checks`;
  }
  if (name === "NODE_TLS_REJECT_UNAUTHORIZED" && v === "0") return `${name}=0 turns off TLS checks`;
  if (name === "PYTHONHTTPSVERIFY" && v === "0") return `${name}=0 turns off TLS checks`;
  if (name === "GIT_SSL_NO_VERIFY" && v !== "" && !/^(?:0|false|no)$/i.test(v)) {
    return `${name} turns off TLS checks`;
  }
  if (/^(?:PIP_TRUSTED_HOST|PIP_INDEX_URL|PIP_EXTRA_INDEX_URL)$/.test(name)) {
    return name === "PIP_TRUSTED_HOST" || /^http:/i.test(v) ? `${name} installs unverified` : null;
  }
  if (/^(?:CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE|SSL_CERT_FILE|NODE_EXTRA_CA_CERTS)$/.test(name)) {
    return v === "" || _localOrTemp(v) ? `${name} changes which certificates are trusted` : null;
  }
  if (name === "GIT_WORK_TREE" || name === "GIT_DIR") return null; // judged with git
  return null;
}

// The project's own tool folders: installed from its lock file, fine on PATH.
const TOOL_DIRS = /^(?:\.\/)?(?:node_modules\/\.bin|\.?venv\/bin|vendor\/bin)\/?$/;

/** A relative path, or one in a temporary folder: anyone running before us could write it. */
function _localOrTemp(p: string): boolean {
  return p === "." || p === ".." || /^\.\.?\//.test(p) ||
    p !== "" && !"/~$\u0000".includes(p[0]!) ||
    /^\/(?:tmp|var\/tmp|dev\/shm)(?:\/|$)/.test(p);
}

/**
 * Whether a command (program and arguments, evaluated) reads secrets and
 * writes them out: the environment (`env`, `printenv`, `set`, `export -p`),
 * a credential file (`cat ~/.aws/credentials`, `tar cz ~/.ssh`), a file the
 * line filled with secrets, or a secret variable (`echo $NPM_TOKEN`).
 *
 * @param words Program and arguments.
 * @param secretFiles Normalised paths the line wrote secrets into.
 * @param key Normalises a path like the record of written files.
 * @returns What it reads, or null.
 */
export function secretSource(
  words: ReadonlyArray<{ values: string[]; raw: string; resolved: boolean }>,
  secretFiles: ReadonlySet<string> | undefined,
  key: (path: string) => string | null,
): string | null {
  const head = words[0]?.values[0] ?? "";
  const name = head.slice(head.lastIndexOf("/") + 1);
  const args = words.slice(1);
  const vals = args.map((a) => a.values[0] ?? "");
  const ops = vals.filter((v) => !v.startsWith("-"));
  if (name === "env") {
    // `env CMD` runs a program; only a bare `env` (or `env -0`) prints the environment.
    return vals.every((v) => v === "-0" || v === "--null" || /^[A-Za-z_]\w*=/.test(v))
      ? "the environment"
      : null;
  }
  if (name === "set" || name === "compgen") {
    // `set -e` sets options; a bare `set` prints every variable.
    return vals.length === 0 || name === "compgen" && vals.includes("-v")
      ? "the environment"
      : null;
  }
  if (name === "printenv") {
    return ops.length === 0 || ops.some(secretVariable) ? "the environment" : null;
  }
  if ((name === "export" || name === "declare" || name === "typeset") && vals.includes("-p")) {
    return "the environment";
  }
  if (name === "echo" || name === "printf") {
    const refs = args.flatMap((a) => secretRefs(a.raw));
    return refs.length ? `$${refs[0]}` : null;
  }
  for (const v of ops) {
    if (v.includes("\u0000")) continue;
    const k = key(v);
    if (credentialFile(v) || credentialDir(v)) return `"${v}"`;
    if (k !== null && secretFiles?.has(k)) return `"${v}" (written from secrets)`;
  }
  return null;
}

/**
 * Whether a path is a folder of credentials (`~/.ssh`, `~/.aws`, `~/.kube`).
 *
 * @param path The path.
 * @returns True for credential folders.
 */
export function credentialDir(path: string): boolean {
  const rel = _homeRel(path.replace(/\/+$/, "") + "/x");
  return rel !== null &&
    /^(?:\.ssh|\.aws|\.azure|\.kube|\.docker|\.gnupg|\.config\/gh|\.config\/gcloud)\/x$/.test(rel);
}
