#!/usr/bin/env python3
"""A fleet-orch exec gate plugin in Python (standard library only).

It checks the text files of the repository for three hygiene problems that
break builds or reviews:

  * trailing-whitespace  lines that end in spaces or tabs
  * conflict-markers     leftover merge-conflict markers (<<<<<<< ======= >>>>>>>)
  * todo                 TODO / FIXME / XXX markers (off by default)

Use it from fleet-orch.yaml:

    steps:
      - id: hygiene
        uses: exec:python3 ./examples/plugins/exec_gate.py
        with:
          checks: [trailing-whitespace, conflict-markers]
          include: ["*.ts", "*.py", "*.md"]

It speaks newline-delimited JSON-RPC 2.0 on stdin/stdout (docs/plugins.md):
one request per line in, one response per line out. Diagnostics go to stderr,
never to stdout. End-of-file on stdin means: exit.

The plugin reads files itself and starts no process, so it needs nothing from
fleet-orch's policy engine beyond the check of its own command line.
"""

import fnmatch
import hashlib
import json
import os
import re
import sys

NAME = "hygiene"
CHECKS = ("trailing-whitespace", "conflict-markers", "todo")
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", "target"}

OPTIONS_SCHEMA = {
    "type": "object",
    "properties": {
        "checks": {
            "type": "array",
            "items": {"type": "string", "enum": list(CHECKS)},
            "default": ["trailing-whitespace", "conflict-markers"],
            "description": "Which checks to run",
        },
        "include": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["*"],
            "description": "Glob patterns of file names or paths to check",
        },
        "exclude": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Glob patterns of paths to skip",
        },
        "max_failures": {
            "type": "integer",
            "minimum": 1,
            "default": 100,
            "description": "Stop reporting after this many findings",
        },
    },
    "additionalProperties": False,
}

DEFAULTS = {k: v["default"] for k, v in OPTIONS_SCHEMA["properties"].items()}

CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)")
TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")


class RpcError(Exception):
    """An error answered to the caller as a JSON-RPC error object."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


state = {"options": dict(DEFAULTS), "repo_root": None}


def describe(_params):
    return {
        "kind": "gate",
        "name": NAME,
        "description": "Trailing whitespace, merge-conflict markers and TODOs in text files",
        "methods": ["run"],
        "options": OPTIONS_SCHEMA,
    }


def configure(params):
    options = dict(DEFAULTS)
    options.update(params.get("options") or {})
    unknown = [c for c in options["checks"] if c not in CHECKS]
    if unknown:
        raise RpcError(-32602, f'Unknown check "{unknown[0]}"; use one of {", ".join(CHECKS)}')
    state["options"] = options
    state["repo_root"] = params.get("repoRoot")
    return {}


def _wanted(rel, options):
    base = os.path.basename(rel)
    if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(base, p) for p in options["exclude"]):
        return False
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(base, p) for p in options["include"])


def _files(root, options):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if os.path.isfile(path) and not os.path.islink(path) and _wanted(rel, options):
                yield path, rel


def _text_lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read(4 * 1024 * 1024)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None  # binary
    return data.decode("utf-8", errors="replace").splitlines()


def _finding(gate, tool, rel, line, column, message, text):
    digest = hashlib.sha256(f"{tool}\0{rel}\0{message}".encode()).hexdigest()[:16]
    return {
        "gate": gate,
        "tool": tool,
        "file": rel,
        "line": line,
        "column": column,
        "message": message,
        "excerpt": text[:200],
        "fingerprint": f"{tool}:{digest}",
    }


def run(params):
    cwd = params.get("cwd") or state["repo_root"] or os.getcwd()
    options = state["options"]
    checks = set(options["checks"])
    gate = params.get("gate") or NAME
    failures = []
    files = 0
    for path, rel in _files(cwd, options):
        lines = _text_lines(path)
        if lines is None:
            continue
        files += 1
        for n, text in enumerate(lines, 1):
            if "trailing-whitespace" in checks and text != text.rstrip(" \t"):
                col = len(text.rstrip(" \t")) + 1
                failures.append(_finding(gate, "trailing-whitespace", rel, n, col,
                                         "Trailing whitespace", text))
            if "conflict-markers" in checks and CONFLICT.match(text):
                failures.append(_finding(gate, "conflict-markers", rel, n, 1,
                                         "Merge-conflict marker left in the file", text))
            if "todo" in checks:
                m = TODO.search(text)
                if m:
                    failures.append(_finding(gate, "todo", rel, n, m.start() + 1,
                                             f"{m.group(1)} marker", text.strip()))
    shown = failures[: options["max_failures"]]
    out = [f"{f['file']}:{f['line']}:{f['column']}: {f['tool']}: {f['message']}" for f in shown]
    if len(failures) > len(shown):
        out.append(f"… and {len(failures) - len(shown)} more")
    out.append(f"{len(failures)} problem(s) in {files} file(s) checked")
    return {"ok": not failures, "output": "\n".join(out) + "\n", "failures": shown}


METHODS = {"describe": describe, "configure": configure, "run": run}


def handle(line):
    try:
        request = json.loads(line)
    except ValueError:
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}
    rid = request.get("id") if isinstance(request, dict) else None
    if not isinstance(request, dict) or not isinstance(request.get("method"), str):
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32600, "message": "Invalid request"}}
    method = METHODS.get(request["method"])
    if method is None:
        return {"jsonrpc": "2.0", "id": rid,
                "error": {"code": -32601, "message": f'Method "{request["method"]}" not found'}}
    try:
        params = request.get("params") or {}
        return {"jsonrpc": "2.0", "id": rid, "result": method(params)}
    except RpcError as e:
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": e.code, "message": str(e)}}
    except Exception as e:  # the plugin must answer, not die, on a bad request
        print(f"{NAME}: {request['method']} failed: {e!r}", file=sys.stderr, flush=True)
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32603, "message": str(e)}}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        response = handle(line)
        if response.get("id") is None and "error" not in response:
            continue  # a notification gets no answer
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
