/**
 * A small web app on 127.0.0.1 for the verifier tests: healthy, failing,
 * slow, flaky and session-carrying routes.
 *
 * @module
 */

/** A running test app. */
export interface TestApp {
  /** Base URL, ending without a slash. */
  url: string;
  /** Requests seen, as "METHOD /path". */
  seen: string[];
  /** Stop the server. */
  close(): Promise<void>;
}

/**
 * Start the app.
 *
 * @param flakyFailures How many times /flaky answers 503 before 200.
 * @returns The running app.
 */
export function startApp(flakyFailures = 0): TestApp {
  const seen: string[] = [];
  let flaky = flakyFailures;
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}`);
    switch (url.pathname) {
      case "/health":
        return new Response("ok");
      case "/fail":
        return new Response("boom", { status: 500 });
      case "/body":
        return new Response("hello fleet vehicles");
      case "/slow":
        // Answers only when the app closes, so the client's timeout decides.
        await released;
        return new Response("late");
      case "/flaky":
        if (flaky > 0) {
          flaky--;
          return new Response("starting", { status: 503 });
        }
        return new Response("ok");
      case "/header":
        return new Response(`token=${req.headers.get("x-token") ?? ""}`);
      case "/login": {
        const body = await req.json().catch(() => ({}));
        if (req.method !== "POST" || body.user !== "ada") {
          return new Response("no", { status: 401 });
        }
        return new Response("welcome", {
          headers: { "set-cookie": "session=s3cr3t; Path=/; HttpOnly" },
        });
      }
      case "/me":
        return req.headers.get("cookie")?.includes("session=s3cr3t")
          ? new Response("ada")
          : new Response("who?", { status: 401 });
      default:
        return new Response("not found", { status: 404 });
    }
  });
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    seen,
    close: () => (release(), server.shutdown()),
  };
}

/**
 * A loopback URL nothing listens on (the port was just released).
 *
 * @returns The URL.
 */
export async function deadUrl(): Promise<string> {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response(),
  );
  const port = (server.addr as Deno.NetAddr).port;
  await server.shutdown();
  return `http://127.0.0.1:${port}`;
}
