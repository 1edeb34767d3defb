/**
 * The Powertools logger shared by every function of this service (structured JSON, one line per entry, the Lambda
 * context keys added by `injectLambdaContext`). Level from `POWERTOOLS_LOG_LEVEL` (default INFO).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'helpdesk' });
