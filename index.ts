/**
 * Composition root: the only place that builds the server, storage, state, dialogs, bot and channel
 * adapters. Everything else receives what it needs, so tests can hand in fakes.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { ActivityTypes, ConversationState, TurnContext, UserState } from 'botbuilder';
import type { Kysely } from 'kysely';
import { ChildSupportBot } from './bots/ChildSupportBot.js';
import { createStateAccessors, ttyModeReader } from './bots/state.js';
import { createTurnErrorHandler } from './bots/turnError.js';
import { createCloudAdapter, registerBotFrameworkRoutes } from './channels/botframework.js';
import { RateLimiter, registerRequestLimits } from './channels/limits.js';
import { FileOrSmtpMailer } from './channels/mail/FileOrSmtpMailer.js';
import { OfficeOutboxWorker } from './channels/mail/OfficeOutboxWorker.js';
import { DocumentService } from './channels/documents/DocumentService.js';
import { registerDocumentRoutes } from './channels/documents/routes.js';
import { DIRECT_LINE_CHANNEL_ID, DirectLineAdapter } from './channels/directline/DirectLineAdapter.js';
import { registerDirectLineRoutes } from './channels/directline/routes.js';
import { DirectLineTokens } from './channels/directline/tokens.js';
import { DirectLineStreamHub } from './channels/directline/stream.js';
import { BrowserBinding } from './channels/directline/browser.js';
import { createLogger, type Logger } from './channels/logger.js';
import { withTurnLog } from './dialogs/log.js';
import { registerOpsRoutes } from './channels/ops.js';
import { SmsAdapter } from './channels/sms/SmsAdapter.js';
import { createSmsHashes, registerSmsRoutes } from './channels/sms/routes.js';
import type { TwilioHttpClient } from './channels/sms/twilio.js';
import { runReminders } from './channels/reminders/ReminderRunner.js';
import { startReminderScheduler } from './channels/reminders/scheduler.js';
import { registerSmsStatusRoute, SMS_STATUS_PATH } from './channels/reminders/statusRoute.js';
import { SMS_CHANNEL_ID } from './dialogs/text/mode.js';
import { closeServer, createHttpServer, listen, type Server } from './channels/server.js';
import { TurnMetricsMiddleware, createMetrics, registerHttpMetrics } from './channels/telemetry.js';
import { TtyRenderingMiddleware } from './channels/text/TtyRenderingMiddleware.js';
import { SignInService } from './channels/signin/SignInService.js';
import { createDevIdentityProvider } from './channels/signin/devIdp.js';
import { OidcClient } from './channels/signin/oidc.js';
import { registerSignInRoutes, type SignInCompleted } from './channels/signin/routes.js';
import { registerWebRoutes } from './channels/web/routes.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/connect.js';
import { AppError } from './db/errors.js';
import { isDatabaseReachable } from './db/health.js';
import { maskTranscript } from './db/sensitive.js';
import { migrateToLatest } from './db/migrate.js';
import { startRetentionJob } from './db/retention.js';
import { seedDemoIfEmpty } from './db/seed.js';
import { findConversation, listenForActivities, type ActivityListener } from './db/repositories/directline.js';
import { countPendingOfficeMessages } from './db/repositories/officeMessages.js';
import { DatabaseStorage } from './db/storage.js';
import type { Database } from './db/schema.js';
import { IntentRecognizer } from './dialogs/recognizer/IntentRecognizer.js';
import { MainDialog } from './dialogs/MainDialog.js';
import { SIGN_IN_COMPLETED_EVENT } from './dialogs/auth/ports.js';

export interface RunningApp {
  /** The address the server listens on. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Milliseconds from the call to listening. */
  readonly startupMs: number;
  /** The application's database, for checks from outside (tests: what is kept at rest). */
  readonly db: Kysely<Database>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** Listen address; all interfaces by default. */
  readonly host?: string;
  /** Where the Twilio REST client sends (tests: a local fake Twilio); Twilio itself by default. */
  readonly twilioHttpClient?: TwilioHttpClient;
  /** The clock of sessions and SMS pages (tests move it past the 15-minute idle limit); real time by default. */
  readonly now?: () => Date;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const started = performance.now();
  const logger = options.logger ?? createLogger();

  // A dropped connection is logged by its code and survived: the next query opens a fresh one.
  const database = await openDatabase(config, {
    onConnectionError: (code) => logger.warn({ code }, 'database connection lost'),
  });
  const { db } = database;
  try {
    // Migrations and the demo load may wait on another instance's lock or run long: on PostgreSQL
    // they get their own short-lived connection without the serving statement timeout.
    const maintenance = config.databaseUrl === null ? database : await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
    try {
      await migrateToLatest(maintenance.db);
      if (config.seedDemo && !config.production) {
        const seeded = await seedDemoIfEmpty(maintenance.db, { ssnHmacKey: config.ssnHmacKey });
        if (seeded) logger.info('demo data loaded into an empty database');
      }
    } finally {
      if (maintenance !== database) await maintenance.close();
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const storage = new DatabaseStorage(db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const accessors = createStateAccessors(conversationState, userState);
  const recognizer = new IntentRecognizer();
  const signIn = new SignInService({ db, publicUrl: config.publicUrl, secret: config.sessionSecret });
  const now = options.now ?? ((): Date => new Date());
  // Office email: the dialog queues, this worker (one per instance, sharing the outbox) delivers.
  const officeOutbox = new OfficeOutboxWorker({ db, mailer: new FileOrSmtpMailer(config.mail), logger });
  const documents = new DocumentService({ db, publicUrl: config.publicUrl, now });
  // Texts sent outside a webhook reply (reminders, their one-time codes) go through Twilio's REST API.
  const smsHashes = createSmsHashes(config.sessionSecret);
  const { accountSid, authToken, from: twilioFrom, apiUrl: twilioApiUrl } = config.twilio;
  // The REST clients' modules (Twilio's library: six megabytes of heap) are loaded only when texts can be sent.
  const twilioRest =
    accountSid === null || authToken === null
      ? null
      : await (async () => {
          const [{ createTwilioSender }, { createTwilioReminderSender, twilioHttpClientFor }] = await Promise.all([
            import('./channels/sms/twilio.js'),
            import('./channels/reminders/twilioSender.js'),
          ]);
          const httpClient = twilioHttpClientFor(twilioApiUrl, options.twilioHttpClient);
          return {
            sms: createTwilioSender({ accountSid, authToken, httpClient }),
            reminders: twilioFrom === null ? null : createTwilioReminderSender({ accountSid, authToken, apiUrl: twilioApiUrl, httpClient }),
          };
        })();
  const reminderSender = twilioRest?.reminders ?? null;
  const reminders =
    reminderSender === null || twilioFrom === null
      ? undefined
      : {
          phoneHash: smsHashes.phone,
          sendText: async (to: string, body: string) => {
            await reminderSender.send({ to, from: twilioFrom, body, statusCallback: null });
            return true;
          },
        };
  const dialog = new MainDialog({ recognizer, logger, db, signIn, ssnHmacKey: config.ssnHmacKey, officeOutbox, documents, now, reminders });
  const bot = new ChildSupportBot({ conversationState, userState, accessors, dialog, logger });

  const metrics = createMetrics({ countOutboxPending: () => countPendingOfficeMessages(db) });
  const onTurnError = createTurnErrorHandler({ conversationState, logger });

  // Rate limits and the activity size limit run before routing and body parsing, on every instance alike.
  const limiter = new RateLimiter({ db, config: config.rateLimits, secret: config.sessionSecret, logger });
  const directLineTokens = new DirectLineTokens(config.sessionSecret);
  const streams = new DirectLineStreamHub({ db, tokens: directLineTokens, logger, publicUrl: config.publicUrl, limiter, trustProxy: config.trustProxy });
  // Other instances' activities arrive by NOTIFY; on the embedded database this process is the only one.
  let activityListener: ActivityListener | null = null;
  if (config.databaseUrl !== null) {
    try {
      activityListener = await listenForActivities(config.databaseUrl, {
        onActivity: (conversationId, seq) => streams.notify(conversationId, seq),
        onResync: () => streams.resync(),
        onError: (code) => logger.warn({ code }, 'direct line notice connection lost'),
      });
    } catch (error) {
      await streams.close();
      await database.close();
      throw error;
    }
  }
  const directLine = new DirectLineAdapter({
    db,
    serviceUrl: config.publicUrl,
    onStored: (conversationId, seq) => streams.notify(conversationId, seq),
  });
  directLine.use(new TurnMetricsMiddleware(metrics));
  directLine.onTurnError = onTurnError;

  const sms = new SmsAdapter({
    db,
    sender: twilioRest?.sms ?? null,
    phoneHash: smsHashes.phone,
    serviceUrl: config.publicUrl,
    logger,
    now,
  });
  sms.use(new TurnMetricsMiddleware(metrics));
  sms.onTurnError = onTurnError;

  const cloud = createCloudAdapter(config.microsoftApp);
  cloud.use(new TurnMetricsMiddleware(metrics));
  // Direct Line and SMS render TTY turns in their adapters; the CloudAdapter gets it as middleware.
  cloud.use(new TtyRenderingMiddleware());
  cloud.onTurnError = onTurnError;

  const server = createHttpServer({ logger });
  const browsers = new BrowserBinding(config.sessionSecret, config.publicUrl);
  // Timed first, so refused and rate-limited requests are measured too.
  registerHttpMetrics(server, metrics);
  registerRequestLimits(server, { limiter, trustProxy: config.trustProxy });
  registerOpsRoutes(server, {
    isReady: () => isDatabaseReachable(db),
    registry: metrics.registry,
    metricsToken: config.metricsToken,
    production: config.production,
  });
  registerWebRoutes(server);

  // NY.gov, or in development its stand-in on this same server (never in production: config refuses).
  const devIdp =
    config.oidc === null
      ? await createDevIdentityProvider({
          publicUrl: config.publicUrl,
          sessionSecret: config.sessionSecret,
          production: config.production,
          logger,
        })
      : null;
  devIdp?.mount(server);
  const oidcSettings = config.oidc ?? devIdp;
  if (oidcSettings === null) throw new AppError('config_invalid', 'no identity provider is configured');
  const oidc = new OidcClient(oidcSettings);
  // The parent finished signing in: continue their conversation by itself, in the channel it lives in.
  const onCompleted = async ({ requestId, channel, conversationRef }: SignInCompleted, log: Logger): Promise<void> => {
    const event = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: SIGN_IN_COMPLETED_EVENT, value: { requestId }, id: randomUUID(), timestamp: new Date() },
      conversationRef,
      true,
    );
    const run = withTurnLog(log, (context) => bot.run(context));
    if (channel === DIRECT_LINE_CHANNEL_ID) {
      await directLine.processActivity(event, run);
      return;
    }
    // The other adapters start a continuation from the reference alone: it becomes the event here.
    const asEvent = (context: TurnContext): Promise<void> => {
      context.activity.type = ActivityTypes.Event;
      context.activity.name = SIGN_IN_COMPLETED_EVENT;
      context.activity.value = { requestId };
      return run(context);
    };
    if (channel === SMS_CHANNEL_ID) {
      await sms.continueConversation(conversationRef, asEvent);
      return;
    }
    await cloud.continueConversationAsync(config.microsoftApp.appId ?? '', conversationRef, asEvent);
  };
  registerSignInRoutes(server, { db, publicUrl: config.publicUrl, oidc, browsers, onCompleted });
  registerDocumentRoutes(server, { db, publicUrl: config.publicUrl, browsers, oidc, now });
  registerDirectLineRoutes(server, {
    db,
    adapter: directLine,
    bot,
    tokens: directLineTokens,
    browsers,
    maskStoredText: maskTranscript,
    stream: streams,
  });
  streams.attach(server.server);
  registerBotFrameworkRoutes(server, {
    adapter: cloud,
    bot,
    loopbackOnly: config.microsoftApp.appId === null,
    isDirectLineConversation: async (id) => (await findConversation(db, id)) !== null,
  });
  registerSmsRoutes(server, {
    db,
    adapter: sms,
    bot,
    authToken,
    publicUrl: config.publicUrl,
    ttyNumbers: config.ttyNumbers,
    hashes: smsHashes,
    rateLimit: async (phoneHash) => (await limiter.check('sms', phoneHash)).allowed,
    now,
    ttyMode: ttyModeReader(storage, SMS_CHANNEL_ID),
  });

  registerSmsStatusRoute(server, { db, authToken, publicUrl: config.publicUrl, now });
  const reminderScheduler =
    reminderSender === null || twilioFrom === null || config.reminders.intervalSeconds === 0
      ? null
      : startReminderScheduler(
          (at) =>
            runReminders(
              {
                db,
                sender: reminderSender,
                from: twilioFrom,
                statusCallback: `${config.publicUrl}${SMS_STATUS_PATH}`,
                concurrency: config.reminders.concurrency,
                logger,
                counters: {
                  sent: (kind) => metrics.remindersSent.inc({ kind }),
                  skipped: (reason) => metrics.remindersSkipped.inc({ reason }),
                  failed: (kind) => metrics.remindersFailed.inc({ kind }),
                },
              },
              at,
            ),
          { intervalMs: config.reminders.intervalSeconds * 1000, logger, now },
        );

  const retention =
    config.retention.intervalSeconds === 0
      ? null
      : startRetentionJob(db, config.retention, {
          intervalMs: config.retention.intervalSeconds * 1000,
          onResult: (result) => {
            if (result.ran) logger.info({ code: 'retention_purged', deleted: result.deleted }, 'retention purge done');
          },
          onError: (error) => logger.error({ code: 'retention_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'retention purge failed'),
        });

  const port = await listen(server, config.port, options.host);
  officeOutbox.start();
  // Ready first, then the classifier's model, off the start path but before most first messages.
  const warmUp = setImmediate(() => recognizer.load());
  const startupMs = Math.round(performance.now() - started);
  const url = `http://localhost:${port}`;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearImmediate(warmUp);
      // A stop right after start must not leave the provider's build running on a closed app.
      await devIdp?.settled;
      await retention?.stop();
      // Sockets first: the server's close waits for every open connection.
      await streams.close();
      await reminderScheduler?.stop();
      await closeServer(server);
      await activityListener?.close();
      await officeOutbox.stop();
      await database.close();
    })();
    return stopping;
  };
  return { url, port, server, startupMs, db, stop };
}

/**
 * How V8 trades CPU for memory, chosen by the database, at run time so that every way of starting
 * the app (npm start, the container's plain `node`) gets it; a Node whose V8 lacked a flag would
 * only print a warning.
 *
 * On the embedded database (a newcomer's machine, one parent at a time) memory counts: PGlite
 * shares the process, and `--optimize-for-size` keeps it about 45 MB lower (measured here over
 * 10,000 "help" turns: about 175 MB resident instead of 220) for about twice the CPU per turn,
 * which a chat never feels. `npm start` passes the flag on the command line when DATABASE_URL is
 * unset: set here, after the modules have loaded, it measured about 15 MB above the command line's
 * figure, so this is the fallback for a plain `node` start on the embedded database.
 *
 * On PostgreSQL (production) turns count, so V8 keeps its fast settings, but under steady load it
 * lets the heap grow to several times its live data before a full collection: 10,000 turns took
 * the process from about 155 MB resident to about 250 MB, all of it garbage a full collection
 * gives back (about 60 MB is live). A growth factor of 1.5 keeps it near 190 MB for a few per cent
 * more CPU per turn.
 */
function tuneMemory(config: Config): void {
  if (config.databaseUrl === null) setFlagsFromString('--optimize-for-size');
  if (config.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
}

async function main(): Promise<void> {
  const logger = createLogger();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  tuneMemory(config);
  const app = await startApp(config, { logger });
  logger.info({ url: app.url, publicUrl: config.publicUrl, startupMs: app.startupMs }, 'ready');
  console.log(`Child support assistant ready at ${config.publicUrl} (listening on ${app.url}, ${app.startupMs} ms)`);

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    // Finish in-flight requests, close the database, then leave; a stuck close still ends in 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('startup failed:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
