/**
 * cognito-local 5.3, started as the local stack's Cognito (a child process, cwd = its state directory, `PORT`), with
 * two things its own `cognito-local` binary lacks and the confirmation flow needs:
 *
 * - **Codes arrive as mail.** Cognito mails the confirmation code of `SignUp` and `ResendConfirmationCode` ("Your
 *   verification code", from `no-reply@verificationemail.com`, Cognito's default sender and texts). cognito-local
 *   only prints them in a box on its log; here its message sender also sends that mail to the SES emulator
 *   (`COGNITO_LOCAL_SES_URL`), so the code is in the local inbox for a developer and in the emulator's store for the
 *   tests, like any mail of the service. The box is still printed (visible with `--verbose`).
 * - **`ResendConfirmationCode`**, which cognito-local 5.3 does not implement (it answers "unsupported"): a new code
 *   for an unconfirmed user, delivered like the first; `UserNotFoundException` for an unknown user and
 *   `InvalidParameterException` for a confirmed one, as Cognito answers without `PreventUserExistenceErrors`.
 *
 * Everything else is cognito-local's `createDefaultServer`, composed from its own modules (plain JavaScript: this runs
 * without a TypeScript loader, like `watchdog.mjs`). cognito-local's code expires nothing: locally a code stays valid
 * until it is used or replaced.
 */
import { createRequire } from 'node:module';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';

const requireHere = createRequire(import.meta.url);
const requireCognito = createRequire(requireHere.resolve('cognito-local/package.json'));
const lib = (path) => requireCognito(`./lib/${path}`);

const AWS = requireCognito('aws-sdk');
const pino = requireCognito('pino');
const pinoPretty = requireCognito('pino-pretty');
const { MessagesService, TriggersService, LambdaService, DateClock } = lib('services');
const { CognitoServiceFactoryImpl } = lib('services/cognitoService');
const { CryptoService } = lib('services/crypto');
const { StormDBDataStoreFactory } = lib('services/dataStore/stormDb');
const { ConsoleMessageSender } = lib('services/messageDelivery/consoleMessageSender');
const { MessageDeliveryService } = lib('services/messageDelivery/messageDelivery');
const { selectAppropriateDeliveryMethod } = lib('services/messageDelivery/deliveryMethod');
const { otp } = lib('services/otp');
const { JwtTokenGenerator } = lib('services/tokenGenerator');
const { UserPoolServiceFactoryImpl } = lib('services/userPoolService');
const { loadConfig } = lib('server/config');
const { Router } = lib('server/Router');
const { createServer } = lib('server/server');
const errors = lib('errors');

/** Cognito's default sender and texts for verification codes (Cognito developer guide, "Customizing email verification messages"). */
const codeMail = {
  from: 'no-reply@verificationemail.com',
  subject: 'Your verification code',
  text: (code) => `Your verification code is ${code}. `,
};

/** Prints the code as cognito-local does, and mails it through the SES emulator. */
class MailingMessageSender {
  constructor(sesUrl) {
    this.console = new ConsoleMessageSender();
    this.ses = sesUrl
      ? new SESClient({
          endpoint: sesUrl,
          region: process.env.AWS_REGION ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        })
      : undefined;
  }

  async sendEmail(ctx, user, destination, message) {
    await this.console.sendEmail(ctx, user, destination, message);
    if (!this.ses) return;
    try {
      await this.ses.send(
        new SendEmailCommand({
          Source: codeMail.from,
          Destination: { ToAddresses: [destination] },
          Message: {
            Subject: { Data: message.emailSubject ?? codeMail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.emailMessage ?? codeMail.text(message.__code), Charset: 'UTF-8' } },
          },
        }),
      );
    } catch (error) {
      ctx.logger.error(error, 'Could not mail the verification code to the SES emulator');
    }
  }

  sendSms(ctx, user, destination, message) {
    return this.console.sendSms(ctx, user, destination, message);
  }
}

/** `ResendConfirmationCode` over cognito-local's services. */
const resendConfirmationCode = (services) => async (ctx, req) => {
  const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
  const user = await userPool.getUserByUsername(ctx, req.Username);
  if (!user) throw new errors.UserNotFoundError('User does not exist.');
  if (user.UserStatus !== 'UNCONFIRMED') throw new errors.InvalidParameterError('User is already confirmed.');
  const delivery = selectAppropriateDeliveryMethod(userPool.options.AutoVerifiedAttributes ?? [], user);
  if (!delivery)
    throw new errors.InvalidParameterError('User has no attribute matching desired auto verified attributes');
  const code = services.otp();
  await userPool.saveUser(ctx, {
    ...user,
    ConfirmationCode: code,
    UserLastModifiedDate: services.clock.get(),
  });
  await services.messages.deliver(
    ctx,
    'ResendCode',
    req.ClientId,
    userPool.options.Id,
    user,
    code,
    req.ClientMetadata,
    delivery,
  );
  return { CodeDeliveryDetails: delivery };
};

const logger = pino(
  { level: process.env.DEBUG ? 'debug' : 'info' },
  pinoPretty({
    colorize: false,
    ignore: 'pid,name,hostname',
    singleLine: true,
    messageFormat: (log, key) => `${log.reqId ?? 'NONE'} ${log.target ?? 'NONE'} ${log[key]}`,
  }),
);

async function start() {
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory('.cognito'));
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory('.cognito/db');
  const cognito = await new CognitoServiceFactoryImpl(
    '.cognito/db',
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig),
  );
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(
      triggers,
      new MessageDeliveryService(new MailingMessageSender(process.env.COGNITO_LOCAL_SES_URL)),
    ),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const route = Router(services);
  const resend = resendConfirmationCode(services);
  const router = (target) => {
    if (target !== 'ResendConfirmationCode') return route(target);
    return (routeCtx, req) => resend({ ...routeCtx, logger: routeCtx.logger.child({ target }) }, req);
  };
  const server = await createServer(router, logger, config.ServerConfig, services).start();
  const address = server.address();
  logger.info(
    `Cognito Local running on http://${typeof address === 'string' ? address : `${address?.address}:${address?.port}`}`,
  );
}

start().catch((error) => {
  logger.error(error);
  process.exit(1);
});
