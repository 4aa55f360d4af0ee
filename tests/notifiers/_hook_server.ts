/**
 * A webhook receiver on 127.0.0.1 that records JSON posts and answers with a
 * scripted status and body.
 *
 * @module
 */

/** A running receiver. */
export interface HookServer {
  /** Webhook URL, with a secret-looking path. */
  url: string;
  /** Bodies received. */
  received: unknown[];
  /** Status and body of the next answers. */
  answer: { status: number; body: string };
  /** Stop the server. */
  close(): Promise<void>;
}

/**
 * Start a receiver.
 *
 * @param answer The status and body to answer with.
 * @returns The receiver.
 */
export function startHookServer(answer = { status: 200, body: "ok" }): HookServer {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const hook: HookServer = {
    url: "",
    received: [],
    answer,
    close: () => (release(), server.shutdown()),
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    hook.received.push(await req.json());
    if (new URL(req.url).pathname.endsWith("/hang")) await released;
    return new Response(hook.answer.body, { status: hook.answer.status });
  });
  hook.url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/services/T000/B000/s3cr3tpath`;
  return hook;
}
