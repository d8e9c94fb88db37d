/** A small gRPC service (@grpc/grpc-js, proto-loader) for end-to-end tests: unary, server and client streaming, metadata, trailers, statuses. */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { writeTemp } from "./proxy.ts";

const PROTO = `
syntax = "proto3";
package test;
message Msg { string text = 1; int32 count = 2; bytes blob = 3; }
service Echo {
  rpc Say (Msg) returns (Msg);
  rpc Count (Msg) returns (stream Msg);
  rpc Sum (stream Msg) returns (Msg);
}
`;

// deno-lint-ignore no-explicit-any
type Any = any;

/** The service's constructor (a grpc-js client class) and definition. */
export function echoService(): Any {
  const def = protoLoader.loadSync(writeTemp("echo.proto", PROTO), { keepCase: true });
  return (grpc.loadPackageDefinition(def) as Any).test.Echo;
}

/**
 * Say echoes `text` (initial metadata: the request's `x-token`; trailing: `x-trailer`), and ends
 * `fail` with NOT_FOUND "no such thing" and trailing `x-why`; Count sends `count` messages with
 * blobs of `Number(text)` bytes (empty ones 20 ms apart), then trailing `x-sent`; Sum adds the
 * counts, answers the `x-token` it got and says the blob bytes in trailing `x-bytes`.
 */
export async function startGrpcServer(
  creds: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<{ port: number; server: grpc.Server; seen: { calls: string[] } }> {
  const Echo = echoService();
  const server = new grpc.Server();
  const seen = { calls: [] as string[] };
  const note = (_call: Any, name: string) => seen.calls.push(name);
  server.addService(Echo.service, {
    Say(call: Any, cb: Any) {
      note(call, "Say");
      const token = String(call.metadata.get("x-token")[0] ?? "");
      const md = new grpc.Metadata();
      md.set("x-reply-token", token);
      call.sendMetadata(md);
      if (call.request.text === "fail") {
        const trailer = new grpc.Metadata();
        trailer.set("x-why", "asked to fail");
        return cb({ code: grpc.status.NOT_FOUND, details: "no such thing", metadata: trailer });
      }
      const trailer = new grpc.Metadata();
      trailer.set("x-trailer", "t-" + call.request.text);
      cb(null, { text: "echo:" + call.request.text, count: call.request.count }, trailer);
    },
    Count(call: Any) {
      note(call, "Count");
      const n = call.request.count;
      const size = Number(call.request.text || "0");
      let i = 0;
      const next = () => {
        if (call.cancelled) return;
        if (i === n) {
          const trailer = new grpc.Metadata();
          trailer.set("x-sent", String(n));
          return call.end(trailer);
        }
        const ok = call.write({ text: `m${i}`, count: i, blob: Buffer.alloc(size, i & 255) });
        i++;
        if (size === 0) setTimeout(next, 20); // small messages spaced in time: streamed, not buffered
        else if (ok) setImmediate(next);
        else call.once("drain", next);
      };
      next();
    },
    Sum(call: Any, cb: Any) {
      note(call, "Sum");
      const token = String(call.metadata.get("x-token")[0] ?? "");
      let sum = 0, bytes = 0;
      call.on("data", (m: Any) => {
        sum += m.count;
        bytes += m.blob?.length ?? 0;
      });
      call.on("end", () => {
        const trailer = new grpc.Metadata();
        trailer.set("x-bytes", String(bytes));
        cb(null, { text: token, count: sum }, trailer);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (err, p) => err ? reject(err) : resolve(p))
  );
  return { port, server, seen };
}

/** One unary call: the reply, the status (code, details, trailing metadata), the initial metadata. */
export function say(
  client: Any,
  text: string,
  token: string,
): Promise<{ reply: Any; status: grpc.StatusObject; headers: grpc.Metadata }> {
  return new Promise((resolve) => {
    const md = new grpc.Metadata();
    md.set("x-token", token);
    let reply: Any = null, headers = new grpc.Metadata();
    const call = client.Say({ text, count: 7 }, md, { deadline: Date.now() + 10_000 }, (
      _err: Any,
      r: Any,
    ) => (reply = r));
    call.on("metadata", (m: grpc.Metadata) => (headers = m));
    call.on("status", (status: grpc.StatusObject) => {
      setTimeout(() => resolve({ reply, status, headers }), 0);
    });
  });
}

export { grpc };
