import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/**
 * The simulator's control surface for the sandbox (not part of the CEPiK API): switch failure modes
 * and read the request log over HTTP, e.g.
 * `curl -X POST localhost:4102/_simulator/configure -d '{"countGlitch":true,"faultEvery":{"404":5}}'`.
 */
const faultSchema = z.enum(['429', '404', 'truncated', 'overloaded', 'limit-reached', 'limit-reached-429']);

export const configureRequestSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  rateLimitPerSecond: z.number().positive().optional(),
  rateLimitedWaitSeconds: z.number().int().min(0).optional(),
  countGlitch: z.boolean().optional(),
  duplicateAcrossPages: z.boolean().optional(),
  faultEvery: z.partialRecord(faultSchema, z.number().int().min(0)).optional(),
  outage: z.boolean().optional(),
  malformedEvery: z.number().int().min(0).optional(),
});

export const injectRequestSchema = z.strictObject({ faults: z.array(faultSchema).min(1).max(1000) });

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? {} : JSON.parse(text);
}
