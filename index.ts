/**
 * Composition root: the only place that builds the server, storage, state, dialogs, bot and channel
 * adapters. Everything else receives what it needs, so tests can hand in fakes.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ActivityTypes, ConversationState, TurnContext, UserState } from 'botbuilder';
import { ChildSupportBot } from './bots/ChildSupportBot.js';
import { createStateAccessors, ttyModeReader } from './bots/state.js';
import { createTurnErrorHandler } from './bots/turnError.js';
import { createCloudAdapter, registerBotFrameworkRoutes } from './channels/botframework.js';
import { FileOrSmtpMailer } from './channels/mail/FileOrSmtpMailer.js';
import { DIRECT_LINE_CHANNEL_ID, DirectLineAdapter } from './channels/directline/DirectLineAdapter.js';
import { registerDirectLineRoutes } from './channels/directline/routes.js';
import { DirectLineTokens } from './channels/directline/tokens.js';
import { BrowserBinding } from './channels/directline/browser.js';
import { createLogger, maskSensitiveNumbers, type Logger } from './channels/logger.js';
import { registerOpsRoutes } from './channels/ops.js';
import { SmsAdapter } from './channels/sms/SmsAdapter.js';
import { createSmsHashes, registerSmsRoutes } from './channels/sms/routes.js';
import { createTwilioSender, type TwilioHttpClient } from './channels/sms/twilio.js';
import { SMS_CHANNEL_ID } from './dialogs/text/mode.js';
import { closeServer, createHttpServer, listen, type Server } from './channels/server.js';
import { TurnMetricsMiddleware, createMetrics } from './channels/telemetry.js';
import { SignInService } from './channels/signin/SignInService.js';
import { createDevIdentityProvider } from './channels/signin/devIdp.js';
import { OidcClient } from './channels/signin/oidc.js';
import { registerSignInRoutes, type SignInCompleted } from './channels/signin/routes.js';
import { registerWebRoutes } from './channels/web/routes.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/connect.js';
import { AppError } from './db/errors.js';
import { isDatabaseReachable } from './db/health.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoIfEmpty } from './db/seed.js';
import { DatabaseStorage } from './db/storage.js';
import { KeywordRecognizer } from './dialogs/recognizer/KeywordRecognizer.js';
import { MainDialog } from './dialogs/MainDialog.js';
import { SIGN_IN_COMPLETED_EVENT } from './dialogs/auth/ports.js';

export interface RunningApp {
  /** The address the server listens on. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Milliseconds from the call to listening. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** Listen address; all interfaces by default. */
  readonly host?: string;
  /** Where the Twilio REST client sends (tests: a local fake Twilio); Twilio itself by default. */
  readonly twilioHttpClient?: TwilioHttpClient;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const started = performance.now();
  const logger = options.logger ?? createLogger();

  const database = await openDatabase(config);
  const { db } = database;
  try {
    await migrateToLatest(db);
    if (config.seedDemo && !config.production) {
      const seeded = await seedDemoIfEmpty(db, { ssnHmacKey: config.ssnHmacKey });
      if (seeded) logger.info('demo data loaded into an empty database');
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const storage = new DatabaseStorage(db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const accessors = createStateAccessors(conversationState, userState);
  const recognizer = new KeywordRecognizer();
  const signIn = new SignInService({ db, publicUrl: config.publicUrl });
  const mailer = new FileOrSmtpMailer(config.mail);
  const dialog = new MainDialog({ recognizer, logger, db, signIn, ssnHmacKey: config.ssnHmacKey, mailer });
  const bot = new ChildSupportBot({ conversationState, userState, accessors, dialog, logger });

  const metrics = createMetrics();
  const onTurnError = createTurnErrorHandler({ conversationState, logger });

  const directLine = new DirectLineAdapter({ db, serviceUrl: config.publicUrl });
  directLine.use(new TurnMetricsMiddleware(metrics));
  directLine.onTurnError = onTurnError;

  const smsHashes = createSmsHashes(config.sessionSecret);
  const { accountSid, authToken } = config.twilio;
  const sms = new SmsAdapter({
    db,
    sender: accountSid === null || authToken === null ? null : createTwilioSender({ accountSid, authToken, httpClient: options.twilioHttpClient }),
    phoneHash: smsHashes.phone,
    serviceUrl: config.publicUrl,
    logger,
  });
  sms.use(new TurnMetricsMiddleware(metrics));
  sms.onTurnError = onTurnError;

  const cloud = createCloudAdapter(config.microsoftApp);
  cloud.use(new TurnMetricsMiddleware(metrics));
  cloud.onTurnError = onTurnError;

  const server = createHttpServer({ logger });
  const browsers = new BrowserBinding(config.sessionSecret, config.publicUrl);
  registerOpsRoutes(server, { isReady: () => isDatabaseReachable(db), registry: metrics.registry });
  registerWebRoutes(server, { logger });

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
  const onCompleted = async ({ requestId, channel, conversationRef }: SignInCompleted): Promise<void> => {
    const event = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: SIGN_IN_COMPLETED_EVENT, value: { requestId }, id: randomUUID(), timestamp: new Date() },
      conversationRef,
      true,
    );
    if (channel === DIRECT_LINE_CHANNEL_ID) {
      await directLine.processActivity(event, (context) => bot.run(context));
      return;
    }
    if (channel === SMS_CHANNEL_ID) {
      await sms.continueConversation(conversationRef, async (context) => {
        context.activity.type = ActivityTypes.Event;
        context.activity.name = SIGN_IN_COMPLETED_EVENT;
        context.activity.value = { requestId };
        await bot.run(context);
      });
      return;
    }
    await cloud.continueConversationAsync(config.microsoftApp.appId ?? '', conversationRef, async (context) => {
      context.activity.type = ActivityTypes.Event;
      context.activity.name = SIGN_IN_COMPLETED_EVENT;
      context.activity.value = { requestId };
      await bot.run(context);
    });
  };
  registerSignInRoutes(server, { db, publicUrl: config.publicUrl, oidc, onCompleted, logger });
  registerDirectLineRoutes(server, {
    db,
    adapter: directLine,
    bot,
    tokens: new DirectLineTokens(config.sessionSecret),
    browsers,
    logger,
    maskStoredText: maskSensitiveNumbers,
  });
  registerBotFrameworkRoutes(server, { adapter: cloud, bot, loopbackOnly: config.microsoftApp.appId === null, logger });
  registerSmsRoutes(server, {
    db,
    adapter: sms,
    bot,
    authToken,
    publicUrl: config.publicUrl,
    ttyNumbers: config.ttyNumbers,
    hashes: smsHashes,
    logger,
    ttyMode: ttyModeReader(storage, SMS_CHANNEL_ID),
  });

  const port = await listen(server, config.port, options.host);
  const startupMs = Math.round(performance.now() - started);
  const url = `http://localhost:${port}`;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // A stop right after start must not leave the provider's build running on a closed app.
      await devIdp?.settled;
      await closeServer(server);
      await database.close();
    })();
    return stopping;
  };
  return { url, port, server, startupMs, stop };
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
