/**
 * A small OpenAI-compatible HTTP server for the AI tests: POST /v1/chat/completions as
 * OpenAI, vLLM and Ollama serve it, and POST /v1/messages as Anthropic's Messages API does
 * (image blocks, `output_config.format` json_schema), so both SDK providers are exercised. Like a strict real endpoint it refuses (HTTP 400, in
 * OpenAI's error JSON) a request without an image or without the JSON schema of the
 * answer, and records every request so tests can look at what was sent. What it answers is
 * set per test: a good verdict, malformed content, a slow answer or an HTTP error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeReply =
  | { kind: 'verdict'; verdict: unknown; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'content'; content: string }
  | { kind: 'slow'; delay_ms: number; verdict: unknown }
  | { kind: 'http'; status: number; message: string };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: ChatRequest;
  /** Why the server refused it, if it did. */
  refused?: string;
}

interface ChatRequest {
  model?: string;
  messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string; image_url?: { url: string }; source?: { type: string; media_type?: string; data?: string } }> }>;
  /** Anthropic's structured output. */
  output_config?: { format?: { type: string; schema?: { properties?: Record<string, unknown>; required?: string[] } } };
  response_format?: { type: string; json_schema?: { name?: string; strict?: boolean; schema?: { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: boolean } } };
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replies are taken in order; the last one repeats. */
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  let replies: FakeReply[] = [{ kind: 'http', status: 500, message: 'no reply configured by the test' }];
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const anthropic = req.url === '/v1/messages';
    if (req.method !== 'POST' || (req.url !== '/v1/chat/completions' && !anthropic)) return send(404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    let body: ChatRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    } catch {
      return send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const record: RecordedRequest = { path: req.url ?? '', headers: req.headers, body };
    requests.push(record);
    const refused = anthropic ? anthropicProblemsOf(body) : problemsOf(body);
    const error = (status: number, message: string, type: string) => send(status, anthropic ? { type: 'error', error: { type, message } } : { error: { message, type } });
    if (refused) {
      record.refused = refused;
      return error(400, refused, 'invalid_request_error');
    }
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    const answer = (content: string, usage?: { prompt_tokens: number; completion_tokens: number }) => send(200, anthropic ? message(body, content, usage) : completion(body, content, usage));
    if (reply.kind === 'http') return error(reply.status, reply.message, 'api_error');
    if (reply.kind === 'slow') {
      const timer = setTimeout(() => answer(JSON.stringify(reply.verdict)), reply.delay_ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    answer(reply.kind === 'content' ? reply.content : JSON.stringify(reply.verdict), reply.kind === 'verdict' ? reply.usage : undefined);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...r) => {
      replies = r;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What a strict endpoint would refuse: a vision check without the image, or without the answer's schema. */
function problemsOf(body: ChatRequest): string | undefined {
  const parts = (body.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const image = parts.find((p) => p.type === 'image_url');
  if (!image) return 'the request carries no image_url part';
  if (!/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]{100,}/.test(image.image_url?.url ?? '')) return 'the image is not an inline base64 JPEG/PNG data URL';
  const format = body.response_format;
  if (format?.type !== 'json_schema') return `response_format is ${format?.type ?? 'missing'}, not json_schema`;
  const schema = format.json_schema?.schema;
  for (const key of ['status', 'confidence', 'explanation']) {
    if (!schema?.properties?.[key]) return `the JSON schema has no "${key}" property`;
  }
  return undefined;
}

function anthropicProblemsOf(body: ChatRequest): string | undefined {
  const parts = (body.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const image = parts.find((p) => p.type === 'image');
  if (!image) return 'messages: the request carries no image block';
  if (image.source?.type !== 'base64' || !/^image\/(jpeg|png)$/.test(image.source.media_type ?? '') || (image.source.data ?? '').length < 100) return 'messages: the image is not an inline base64 JPEG/PNG';
  const format = body.output_config?.format;
  if (format?.type !== 'json_schema') return `output_config.format is ${format?.type ?? 'missing'}, not json_schema`;
  for (const key of ['status', 'confidence', 'explanation']) {
    if (!format.schema?.properties?.[key]) return `the JSON schema has no "${key}" property`;
  }
  return undefined;
}

function message(body: ChatRequest, text: string, usage = { prompt_tokens: 812, completion_tokens: 64 }) {
  return {
    id: `msg_fake_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'fake',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
  };
}

function completion(body: ChatRequest, content: string, usage = { prompt_tokens: 812, completion_tokens: 64 }) {
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}
