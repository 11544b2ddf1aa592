/**
 * SMS webhook latency: texts as Twilio posts them (form-encoded, signed with the account's token
 * by Twilio's own helper, so the app's signature check passes) to `/api/sms` of the whole app on a
 * throwaway PostgreSQL database, at a fixed offered rate (open loop: each text leaves at its
 * scheduled moment whether or not the previous one was answered, and its latency counts from that
 * moment). Each text comes from its own number, so each is a first contact with a full turn. The
 * baseline, in the same run, is `/healthz` at the same rate. Goal: p99 ≤ 100 ms.
 *
 * Alone: `DATABASE_URL=postgres://… tsx test/bench/sms.ts [--rate 20] [--seconds 10]`.
 */
import { RedirectingRequestClient } from '../../channels/sms/twilio.js';
import { startTestApp } from '../helpers/app.js';
import { createServerDatabase } from '../helpers/database.js';
import { sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../channels/smsHelpers.js';
import { goal, middle, quantile } from './measure.js';

const OUR_NUMBER = '+12125550100';
export const SMS_P99_GOAL_MS = 100;

export interface OpenLoopFigures {
  readonly sent: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** This process's CPU time (app and client together: the app runs in it) per request. */
  readonly cpuMsPerRequest: number;
}

/**
 * `count` calls of `call(i)` started every `1000 / rate` ms; each latency from its scheduled
 * start, so a stall shows in every call it delays (no coordinated omission).
 */
async function openLoop(rate: number, count: number, call: (i: number) => Promise<void>): Promise<OpenLoopFigures> {
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const calls: Promise<void>[] = [];
  let failure: unknown = null;
  for (let i = 0; i < count; i += 1) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      call(i).then(
        () => {
          latencies.push(performance.now() - due);
        },
        (error: unknown) => {
          failure ??= error;
        },
      ),
    );
  }
  await Promise.all(calls);
  if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
  const used = process.cpuUsage(cpuStart);
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    sent: count,
    p50: round(middle(latencies)),
    p99: round(quantile(latencies, 0.99)),
    max: round(Math.max(...latencies)),
    cpuMsPerRequest: round((used.user + used.system) / 1000 / count),
  };
}

export interface SmsFigures {
  readonly rate: number;
  readonly seconds: number;
  readonly healthz: OpenLoopFigures;
  readonly sms: OpenLoopFigures;
}

/** Needs DATABASE_URL: the throwaway database is created on that server. */
export async function benchSms(options: { rate?: number; seconds?: number } = {}): Promise<SmsFigures> {
  const rate = options.rate ?? 20;
  const seconds = options.seconds ?? 10;
  const count = Math.round(rate * seconds);
  const database = await createServerDatabase();
  const fake = await startFakeTwilio();
  try {
    const app = await startTestApp(
      { DATABASE_URL: database.url, TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER },
      { twilioHttpClient: new RedirectingRequestClient(fake.url) },
    );
    try {
      let number = 0;
      const text = async (): Promise<void> => {
        number += 1;
        // +1 917 555 xxxx: no demo parent's number, and a new one each time (each its own rate-limit client).
        const from = `+1917${String(5_550_000 + number).padStart(7, '0')}`;
        const answer = await sendSms(app.baseUrl, { from, to: OUR_NUMBER, body: 'balance' });
        if (answer.status !== 200 || answer.messages.length === 0) throw new Error(`the SMS webhook answered ${answer.status} with ${answer.messages.length} messages`);
      };
      const healthz = async (): Promise<void> => {
        const res = await fetch(`${app.baseUrl}/healthz`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      };
      // Warm-up, not measured: code paths compiled, the pool's connections open.
      for (let i = 0; i < 20; i += 1) {
        await healthz();
        await text();
      }
      const baseline = await openLoop(rate, count, healthz);
      const sms = await openLoop(rate, count, text);
      return { rate, seconds, healthz: baseline, sms };
    } finally {
      await app.stop();
    }
  } finally {
    await fake.close();
    await database.drop();
  }
}

export function smsLines(f: SmsFigures): string[] {
  const line = (what: string, o: OpenLoopFigures): string =>
    `${what}: p50 ${o.p50} ms, p99 ${o.p99} ms, max ${o.max} ms, cpu ${o.cpuMsPerRequest} ms per request (${o.sent} requests, ${f.rate}/s for ${f.seconds} s, open loop)`;
  return [
    line('baseline: GET /healthz, same app', f.healthz),
    `${line('signed Twilio webhook POST /api/sms, a new number each, full turn on PostgreSQL', f.sms)}  ×${(f.sms.p99 / f.healthz.p99).toFixed(1)} of baseline p99  ${goal(f.sms.p99 <= SMS_P99_GOAL_MS, `p99 ≤ ${SMS_P99_GOAL_MS} ms`)}`,
  ];
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url.trim() === '') throw new Error('set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it)');
  const args = process.argv.slice(2);
  const figures = await benchSms({ rate: Number(flag(args, '--rate') ?? 20), seconds: Number(flag(args, '--seconds') ?? 10) });
  for (const line of smsLines(figures)) console.log(line);
}

if (process.argv[1]?.endsWith('sms.ts') === true) {
  main().catch((error: unknown) => {
    console.error('SMS bench failed:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
